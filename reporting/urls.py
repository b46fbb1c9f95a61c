from django.urls import include, path

from . import views

app_name = "reporting"

# A plan's pages: each view is decorated with access.plan_page, which turns the slug into request.plan.
plan_patterns = [
    path("overview/", views.overview, name="overview"),
    path("overview.xlsx", views.overview_workbook_download, name="overview-xlsx"),
    path("freshness/", views.freshness, name="freshness"),
    path("recompute/", views.recompute, name="recompute"),
    path("departments/<int:pk>/", views.department_page, name="department"),
    path("departments/<int:pk>/reports/", views.report_save, name="report-save"),
    path("regions/<int:pk>/", views.region_page, name="region"),
    path("report/", views.annual_report, name="report"),
    *views.assessment.urlpatterns,
    path("completeness/", views.completeness, name="completeness"),
    path("indicators/<str:code>/", views.indicator_page, name="indicator"),
    path("indicators/<str:code>/unlock/", views.indicator_unlock, name="indicator-unlock"),
]


def current(route, page):
    """The address a page had before plans: a redirect to that page of the user's current plan."""
    return path(route, views.current_plan_page, {"page": page}, name=f"current-{page}")


urlpatterns = [
    path("", views.landing, name="landing"),
    path("plans/<slug:slug>/", include(plan_patterns)),
    # Work that is not a plan's: entry, upload and review span every active plan.
    path("entry/", views.entry_grid, name="entry"),
    path("entry/<str:code>/<int:year>/", views.figure_entry, name="figure-entry"),
    path("entry/<str:code>/<int:year>/region/<int:region_id>/", views.figure_entry, name="figure-entry-region"),
    path("upload/", views.upload, name="upload"),
    path("upload/template.xlsx", views.upload_template, name="upload-template"),
    path("upload/<int:pk>/", views.upload_preview, name="upload-preview"),
    path("review/", views.review_queue, name="review"),
    # Bookmarks of the single-plan days keep working.
    current("overview/", "overview"),
    current("overview.xlsx", "overview-xlsx"),
    current("freshness/", "freshness"),
    current("departments/<int:pk>/", "department"),
    current("regions/<int:pk>/", "region"),
    current("report/", "report"),
    current("assessment/", "assessment"),
    current("assessment.xlsx", "assessment-xlsx"),
    current("completeness/", "completeness"),
    current("indicators/<str:code>/", "indicator"),
]
