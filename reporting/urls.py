from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.overview, name="overview"),
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
