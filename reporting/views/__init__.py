from . import assessment as assessment  # the final assessment: its urlpatterns, included by reporting/urls.py
from .completeness import completeness
from .department import department_page, report_save
from .entry import entry_grid, figure_entry
from .freshness import freshness, recompute
from .indicator import indicator_page, indicator_unlock
from .overview import overview, overview_workbook_download
from .plans import current_plan_page, landing
from .region import region_page
from .report import annual_report
from .review import review_queue
from .upload import upload, upload_preview, upload_template

__all__ = [
    "annual_report",
    "completeness",
    "current_plan_page",
    "department_page",
    "entry_grid",
    "figure_entry",
    "freshness",
    "indicator_page",
    "indicator_unlock",
    "landing",
    "overview",
    "overview_workbook_download",
    "recompute",
    "region_page",
    "report_save",
    "review_queue",
    "upload",
    "upload_preview",
    "upload_template",
]
