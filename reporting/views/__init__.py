from .completeness import completeness
from .entry import entry_grid, figure_entry
from .indicator import indicator_page, indicator_unlock
from .overview import overview
from .review import review_queue
from .upload import upload, upload_preview, upload_template

__all__ = [
    "completeness",
    "entry_grid",
    "figure_entry",
    "indicator_page",
    "indicator_unlock",
    "overview",
    "review_queue",
    "upload",
    "upload_preview",
    "upload_template",
]
