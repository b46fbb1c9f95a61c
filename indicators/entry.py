"""Services of the entry and review workflow: draft -> submitted -> approved, or returned with a reason;
an approved year is locked until an administrator unlocks it. Every write names its user and reason,
which django-simple-history keeps with the old and new values."""

import functools
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import audit_record

from . import kinds, parsing, permissions, plausibility
from .figures import (
    CREATE,
    REPLACE,
    UNCHANGED,
    ImportRejected,
    figures_parse,
    figures_plan,
    figures_save,
    figures_targets,
    neighbour_values,
)
from .models import Figure, Upload
from .recompute import figures_changed

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class Locked(Exception):
    """Approved figures are locked; an administrator must unlock the year first."""


class NeedsComment(Exception):
    """The plausibility checks flagged the values: submitting them needs an explanation."""

    def __init__(self, flags):
        super().__init__(f"{len(flags)} flag(s)")
        self.flags = flags


class Stale(Exception):
    """The figures changed since the reviewer opened them, or another save holds them past the wait."""


# Lost a race for rows: PostgreSQL's deadlock, lock timeout and serialization failure, SQLite's busy lock.
LOCK_SQLSTATES = {"40P01", "55P03", "40001"}
LOCK_MESSAGES = ("database is locked", "database table is locked")
UNIQUE_SQLSTATE, UNIQUE_MESSAGE = "23505", "UNIQUE constraint failed"
FIRST_SAVE_ATTEMPTS = 3


def _sqlstate(error):
    return getattr(error.__cause__, "sqlstate", None)


def _stale_when_locked_out(service):
    """Turns a writer's lost race for rows into Stale ("changed since you opened it"), not a 500. Outside
    the service's transaction, which has been rolled back by then; any other database error still raises."""

    @functools.wraps(service)
    def guarded(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except OperationalError as error:
            if _sqlstate(error) in LOCK_SQLSTATES or any(text in str(error) for text in LOCK_MESSAGES):
                raise Stale from error
            raise

    return guarded


def _again_after_a_first_save_race(service):
    """Two first saves of a cell at once (two tabs, a double click) both find no row to lock, and the
    loser's insert breaks the unique constraint once the winner commits. Run again, the loser finds and
    locks the winner's row and saves over it as a new revision: both values stay in the history."""

    @functools.wraps(service)
    def retried(*args, **kwargs):
        for attempt in range(1, FIRST_SAVE_ATTEMPTS + 1):
            try:
                return service(*args, **kwargs)
            except IntegrityError as error:
                unique = _sqlstate(error) == UNIQUE_SQLSTATE or UNIQUE_MESSAGE in str(error)
                if not unique or attempt == FIRST_SAVE_ATTEMPTS:
                    raise

    return retried


@_stale_when_locked_out
@_again_after_a_first_save_race
@transaction.atomic
def figures_enter(*, user, indicator, region, year, stage, values, note, submit):
    """Saves one indicator's figures for a year (and region) and stage, as a draft or submitted.

    `values` maps each measure to a Decimal, or None to take back a value not yet approved. Submitting
    runs the plausibility checks; flagged values need a `note`, else NeedsComment."""
    region_id = region.pk if region else None
    if not permissions.can_enter(user, indicator, region_id):
        raise PermissionDenied
    cell = {
        (f.year, f.measure, f.stage): f
        for f in Figure.objects.select_for_update()
        .filter(statistic=indicator.statistic_id, region_id=region_id, year__in=[year - 1, year])
        .order_by("pk")  # every writer locks in the same order: no deadlock between them
    }
    figures = {measure: cell.get((year, measure, stage)) for measure in values}
    if any(f is not None and f.is_locked for f in figures.values()):
        raise Locked
    flags = _flags(indicator, cell, year, stage, values) if submit else []
    if flags and not note.strip():
        raise NeedsComment(flags)
    now, saved = timezone.now(), []
    for measure, value in values.items():
        figure = figures[measure]
        if value is None:
            if figure is not None:
                _record(figure, user, "value taken back").delete()
            continue
        if figure is None:
            figure = Figure(
                statistic_id=indicator.statistic_id, region=region, year=year, measure=measure, stage=stage, value=value
            )
        elif figure.value != value:
            figure.revision += 1
        figure.value, figure.note, figure.entered_by = value, note, user
        figure.status = Figure.Status.SUBMITTED if submit else Figure.Status.DRAFT
        figure.submitted_at = now if submit else None
        figure.flags = [flag for flag in flags if flag["measure"] == measure]
        _record(figure, user, "submitted" if submit else "draft saved").save()
        saved.append(figure)
    return saved


def _flags(indicator, cell, year, stage, values):
    counted = {
        (indicator.statistic_id, None, y, measure, s): f.value
        for (y, measure, s), f in cell.items()
        if f.status != Figure.Status.RETURNED and (y < year or s == kinds.PRELIMINARY)
    }
    previous, preliminary = neighbour_values(counted, (indicator.statistic_id, None), year, stage)
    plan = indicator.task.plan
    return plausibility.check(
        values={m: v for m, v in values.items() if v is not None},
        previous=previous,
        preliminary=preliminary,
        jump=plan.jump_threshold,
        tolerance=plan.final_tolerance,
    )


def _record(figure, user, reason):
    """Names who changed the figure and why, for its history (also outside a request: jobs, tests)."""
    figure._history_user = user
    figure._change_reason = reason
    return figure


@_stale_when_locked_out
@transaction.atomic
def figures_review(*, user, versions, approve, reason=""):
    """Approves or returns submitted figures. `versions` maps figure ids to the Figure.version the reviewer
    saw: a figure changed in any way since then (value, note, status, a resubmission) raises Stale, as
    does losing the race to another reviewer or an edit; one the user may not review PermissionDenied."""
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError(_("Say why the figures are returned."))
    if not permissions.can_review_any(user) or not versions:
        raise PermissionDenied
    # Waits for an edit or another approval of these rows to commit, then reads what they left.
    figures = list(Figure.objects.select_for_update().filter(pk__in=versions).order_by("pk"))
    reviewable = set(permissions.reviewable_figures(user).filter(pk__in=versions).values_list("pk", flat=True))
    for figure in figures:
        if figure.status != Figure.Status.SUBMITTED or figure.version != versions[figure.pk]:
            raise Stale
        if figure.pk not in reviewable:
            raise PermissionDenied
    if len(figures) != len(versions):
        raise Stale
    now = timezone.now()
    for figure in figures:
        figure.status = Figure.Status.APPROVED if approve else Figure.Status.RETURNED
        figure.reviewed_by, figure.reviewed_at = user, now
        figure.return_reason = "" if approve else reason
        _record(figure, user, "approved" if approve else f"returned: {reason}").save()
    if approve:
        figures_changed(statistic_ids={f.statistic_id for f in figures})
    return figures


@transaction.atomic
def figures_unlock(*, user, indicator, region, year, reason):
    """Opens an approved year for correction: its figures go back to the clerks as returned, with the
    reason, and stop counting until approved again. The correction becomes a new revision."""
    if not permissions.can_unlock(user):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the year is unlocked."))
    figures = list(
        Figure.objects.select_for_update()
        .filter(statistic=indicator.statistic_id, region=region, year=year, status=Figure.Status.APPROVED)
        .order_by("pk")
    )
    if not figures:
        raise ValidationError(_("No approved figure of that year to unlock."))
    for figure in figures:
        figure.status, figure.return_reason = Figure.Status.RETURNED, reason
        _record(figure, user, f"unlocked: {reason}").save()
    figures_changed(statistic_ids=[indicator.statistic_id])
    # In the unlock's transaction: no unlock without its audit entry.
    audit_record(
        event=AuditEntry.Event.FIGURES_UNLOCKED,
        user=user,
        obj=f"indicator {indicator.code} {year}" + (f" {region.name}" if region else ""),
        detail={"figures": [figure.pk for figure in figures], "reason": reason},
    )
    return figures


# --- Uploads ---------------------------------------------------------------------------------------------


PREVIEW_ROWS = 500  # a 20,000-row file is summarised, not shown whole


@dataclass
class Preview:
    changes: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def counts(self):
        return {action: sum(1 for c in self.changes if c.action == action) for action in (CREATE, REPLACE, UNCHANGED)}

    @property
    def shown(self):
        """The rows to show: those replacing a value or flagged first, then the others, PREVIEW_ROWS at most."""
        first = [c for c in self.changes if c.action == REPLACE or c.flags]
        rest = [c for c in self.changes if not (c.action == REPLACE or c.flags)]
        return (first + rest)[:PREVIEW_ROWS]


class QuotaReached(Exception):
    """The user has uploaded UPLOAD_QUOTA_PER_DAY files in the last 24 hours."""


def upload_create(*, user, filename, data):
    """Parses an uploaded file once, within bounds, and keeps it with its rows and problems for preview and
    confirmation. A file refused as a whole (unreadable, a workbook past a limit, no value filled in) is
    recorded as refused, without its bytes, and raises ImportRejected; a file over 5 MB ValidationError;
    one upload too many in 24 hours QuotaReached."""
    if not permissions.can_enter_any(user):
        raise PermissionDenied
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than 5 MB. Split it into smaller files."))
    _check_quota(user)
    record = {"user": user, "filename": filename[:255], "size": len(data)}
    try:
        rows, _indicators, problems = figures_parse(
            data=data, filename=filename, skip_blank=True, seconds=settings.UPLOAD_PARSE_SECONDS
        )
    except ImportRejected as rejected:
        Upload.objects.create(
            **record, data=b"", status=Upload.Status.REJECTED, problems=parsing.problems_to_json(rejected.problems)
        )
        raise
    return Upload.objects.create(
        **record, data=data, rows=parsing.rows_to_json(rows), problems=parsing.problems_to_json(problems)
    )


def _check_quota(user):
    since = timezone.now() - timedelta(days=1)
    if Upload.objects.filter(user=user, uploaded_at__gte=since).count() >= settings.UPLOAD_QUOTA_PER_DAY:
        raise QuotaReached


def upload_preview(*, upload):
    """What confirming the upload would do, row by row, and every problem: nothing is written. Uses the rows
    parsed at upload; scope, locks and plausibility are checked against the database as it is now."""
    stored = parsing.problems_from_json(upload.problems)
    if upload.status == Upload.Status.REJECTED and not upload.rows:
        return Preview(problems=stored)
    rows = parsing.rows_from_json(upload.rows)
    changes, more = figures_plan(
        rows, indicators=figures_targets(), approve=False, scope=permissions.entry_scope(upload.user)
    )
    # Every problem at once, in the order of the file.
    problems = sorted(stored + more, key=lambda p: (p.line or 0, p.column or ""))
    return Preview(changes=changes, problems=problems)


@_stale_when_locked_out
def upload_confirm(*, upload, user):
    """Imports the upload's rows, all or none, as submitted figures (ImportRejected if any problem). The
    upload's row is locked first: of two confirmations at once (a double click), the second waits and
    then finds it dealt with (ValidationError)."""
    if upload.user_id != user.pk:
        raise PermissionDenied
    rejected = None
    with transaction.atomic():
        upload = Upload.objects.select_for_update().defer("data").get(pk=upload.pk)
        if upload.status != Upload.Status.PREVIEWED:
            raise ValidationError(_("This file has been dealt with already."))
        try:
            if upload.problems:
                raise ImportRejected(parsing.problems_from_json(upload.problems))
            summary = figures_save(
                rows=parsing.rows_from_json(upload.rows),
                filename=upload.filename,
                user=user,
                scope=permissions.entry_scope(user),
            )
        except ImportRejected as error:
            rejected = error
            upload.status = Upload.Status.REJECTED
            upload.save(update_fields=["status"])
        else:
            upload.status, upload.imported_at = Upload.Status.IMPORTED, timezone.now()
            upload.summary = {"created": summary.created, "replaced": summary.replaced, "unchanged": summary.unchanged}
            upload.save(update_fields=["status", "imported_at", "summary"])
    if rejected is not None:
        raise rejected
    return summary


def uploads_clean(*, now):
    """Daily: drops the bytes and parsed rows of uploads older than UPLOAD_KEEP_DAYS, and deletes previews
    never confirmed after PREVIEW_KEEP. The record of who uploaded what, when, and its outcome stays."""
    stale = Upload.objects.filter(status=Upload.Status.PREVIEWED, uploaded_at__lt=now - PREVIEW_KEEP)
    deleted, _by_model = stale.delete()
    old = Upload.objects.filter(uploaded_at__lt=now - timedelta(days=settings.UPLOAD_KEEP_DAYS)).exclude(data=b"")
    emptied = old.update(data=b"", rows=[], problems=[])
    return {"deleted": deleted, "emptied": emptied}


PREVIEW_KEEP = timedelta(days=2)  # an unconfirmed preview older than this is forgotten
