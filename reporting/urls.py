from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("overview/", views.overview, name="overview"),
    path("overview.xlsx", views.overview_workbook_download, name="overview-xlsx"),
    path("freshness/", views.freshness, name="freshness"),
    path("recompute/", views.recompute, name="recompute"),
    path("departments/<int:pk>/", views.department_page, name="department"),
    path("departments/<int:pk>/reports/", views.report_save, name="report-save"),
    path("regions/<int:pk>/", views.region_page, name="region"),
    path("report/", views.annual_report, name="report"),
    *views.assessment.urlpatterns,
    path("entry/", views.entry_grid, name="entry"),
    path("entry/<str:code>/<int:year>/", views.figure_entry, name="figure-entry"),
    path("entry/<str:code>/<int:year>/region/<int:region_id>/", views.figure_entry, name="figure-entry-region"),
    path("upload/", views.upload, name="upload"),
    path("upload/template.xlsx", views.upload_template, name="upload-template"),
    path("upload/<int:pk>/", views.upload_preview, name="upload-preview"),
    path("review/", views.review_queue, name="review"),
    path("completeness/", views.completeness, name="completeness"),
    path("indicators/<str:code>/", views.indicator_page, name="indicator"),
    path("indicators/<str:code>/unlock/", views.indicator_unlock, name="indicator-unlock"),
]
