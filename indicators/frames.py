"""Reads for the progress engine: which indicators to recompute, and their definitions, approved figures and
trajectories as the engine's frames (indicators.progress), each in one query."""

import pandas as pd
from django.db import connection
from django.db.models import Exists, FloatField, OuterRef, Q
from django.db.models.functions import Cast, Coalesce, Greatest

from . import progress
from .models import Figure, Indicator, PendingRecompute, Result


def indicator_ids(ids=None, *, plan_id=None):
    queryset = Indicator.objects.all() if ids is None else Indicator.objects.filter(pk__in=ids)
    if plan_id is not None:
        queryset = queryset.filter(plan_id=plan_id)
    return list(queryset.order_by("pk").values_list("pk", flat=True))


def stale_indicator_ids():
    """Indicators whose results do not count their latest change: a change recorded in PendingRecompute
    that no recompute has read yet, or approved figures and no result at all (loaded behind the engine's
    back, or never computed). One query over small indexes: cheap at national scale (bench/recompute.py)."""
    pending = PendingRecompute.objects.values("indicator_id")
    approved = Figure.objects.filter(statistic=OuterRef("statistic"), status=Figure.Status.APPROVED)
    computed = Result.objects.filter(indicator=OuterRef("pk"))
    queryset = Indicator.objects.filter(Q(pk__in=pending) | (Exists(approved) & ~Exists(computed)))
    return list(queryset.order_by("pk").values_list("pk", flat=True))


def indicators_frame(ids):
    """The engine's indicator table; the plan's threshold fills in where an indicator has none."""
    rows = Indicator.objects.filter(pk__in=ids).values_list(
        "pk",
        "kind",
        "baseline_year",
        "target_year",
        "target_value",
        "strict",
        "baseline_value",
        Coalesce("green_ratio", "task__plan__green_ratio"),
        Greatest("target_year", "task__plan__target_year"),
    )
    frame = pd.DataFrame(list(rows), columns=progress.INDICATOR_COLUMNS)
    for column in ["target_value", "baseline_value", "green_ratio"]:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def figures_frame(ids):
    """Approved figures of the indicators' statistics as the engine's frame, one row per indicator reading
    each figure, read with one raw query: no model instances and no Decimal conversion per row (this read is
    the benchmark's yardstick)."""
    readers = pd.DataFrame(
        list(Indicator.objects.filter(pk__in=ids).values_list("pk", "statistic_id")),
        columns=["indicator_id", "statistic_id"],
    )
    statistics = sorted(set(readers["statistic_id"]))
    queryset = Figure.objects.filter(statistic_id__in=statistics, status=Figure.Status.APPROVED).values_list(
        "statistic_id", "region_id", "year", "measure", "stage", Cast("value", FloatField())
    )
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = ["statistic_id", *progress.FIGURE_COLUMNS[1:]]
        frame = pd.DataFrame(cursor.fetchall(), columns=columns)
    frame["statistic_id"] = frame["statistic_id"].astype("int64")  # an empty read is of type object
    # Most statistics have one reader: the merge is then a relabelling.
    frame = frame.merge(readers, on="statistic_id")[progress.FIGURE_COLUMNS]
    frame["region_id"] = frame["region_id"].fillna(progress.CITY).astype("int64")
    frame["value"] = frame["value"].astype(float)
    return frame


def trajectory_frame(ids):
    rows = [
        (pk, int(year), float(value))
        for pk, trajectory in Indicator.objects.filter(pk__in=ids)
        .exclude(trajectory={})
        .values_list("pk", "trajectory")
        for year, value in trajectory.items()
    ]
    return pd.DataFrame(rows, columns=progress.TRAJECTORY_COLUMNS)
