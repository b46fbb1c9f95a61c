from django.contrib import admin

from .models import Figure, Indicator, Plan, Task, TaskResponsibility


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "document_number", "adopted_on", "baseline_year", "target_year", "has_demo_data"]


class TaskResponsibilityInline(admin.TabularInline):
    model = TaskResponsibility
    extra = 0
    autocomplete_fields = ["department"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "plan"]
    search_fields = ["code", "title", "text"]
    inlines = [TaskResponsibilityInline]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "target_value", "unit", "target_year", "binding", "task"]
    list_filter = ["kind", "binding", "by_region", "task"]
    search_fields = ["code", "name", "name_en", "source_text"]
    list_select_related = ["task"]


@admin.register(Figure)
class FigureAdmin(admin.ModelAdmin):
    list_display = ["indicator", "region", "year", "measure", "value", "status", "entered_by", "updated_at"]
    list_filter = ["status", "year", "measure", "region"]
    search_fields = ["indicator__code", "indicator__name", "source", "note"]
    list_select_related = ["indicator", "region", "entered_by"]
    ordering = ["indicator__position", "region__position", "year"]
    raw_id_fields = ["entered_by", "reviewed_by"]
