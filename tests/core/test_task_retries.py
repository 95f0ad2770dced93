"""Tasks that declare retries retry: a transient error (OSError: storage, network) is tried
again and the work is done; a lasting one is recorded once the retries are spent. Celery runs
eagerly here; an eager run retries at once (the countdown is not waited for) when errors are not
propagated, so these tests turn propagation off and read the final outcome from the result."""

import pytest

from config.celery import app as celery_app
from mutualisation.models import ProgressReport
from mutualisation.reports import indicators
from mutualisation.reports.tasks import generate_progress_report
from referrals.consultation import synthesis
from referrals.consultation.tasks import build_synthesis
from referrals.models import Referral
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _eager_retries():
    """With task_eager_propagates, the first error would end an eager run instead of a retry."""
    saved = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = saved


def _run(task, *args):
    """Run the task as a worker would, retries included; its final error is raised."""
    return task.apply(args=args).get()


def _failing_first(monkeypatch, module, name, times):
    """Make module.name raise OSError the first `times` calls, then behave; returns the calls."""
    real = getattr(module, name)
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) <= times:
            raise OSError("stockage momentanément injoignable")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, flaky)
    return calls


class TestReferralSynthesis:
    def test_a_transient_error_is_retried(self, epci, monkeypatch):
        referral = ReferralFactory(epci=epci)
        calls = _failing_first(monkeypatch, synthesis, "render_synthesis_pdf", times=2)
        assert _run(build_synthesis, referral.pk) == "built"
        assert len(calls) == 3
        assert Referral.objects.get(pk=referral.pk).synthesis_ready

    def test_retries_are_bounded(self, epci, monkeypatch):
        referral = ReferralFactory(epci=epci)
        calls = _failing_first(monkeypatch, synthesis, "render_synthesis_pdf", times=99)
        with pytest.raises(OSError):
            _run(build_synthesis, referral.pk)
        assert len(calls) == 1 + build_synthesis.max_retries

    def test_a_bug_is_not_retried(self, epci, monkeypatch):
        referral = ReferralFactory(epci=epci)
        calls = []

        def broken(**kwargs):
            calls.append(1)
            raise KeyError("bogue")

        monkeypatch.setattr(synthesis, "render_synthesis_pdf", broken)
        with pytest.raises(KeyError):
            _run(build_synthesis, referral.pk)
        assert len(calls) == 1


class TestProgressReport:
    def test_a_transient_error_is_retried_without_showing_a_failure(self, epci, monkeypatch):
        report = ProgressReport.objects.create(epci=epci, year=2024)
        calls = _failing_first(monkeypatch, indicators, "render_pdf", times=2)
        assert _run(generate_progress_report, report.pk) == "generated"
        assert len(calls) == 3
        report.refresh_from_db()
        assert report.status == ProgressReport.Status.READY and report.error == ""

    def test_a_lasting_error_is_recorded_once_the_retries_are_spent(self, epci, monkeypatch):
        report = ProgressReport.objects.create(epci=epci, year=2024)
        calls = _failing_first(monkeypatch, indicators, "render_pdf", times=99)
        with pytest.raises(OSError):
            _run(generate_progress_report, report.pk)
        assert len(calls) == 1 + generate_progress_report.max_retries
        report.refresh_from_db()
        assert report.status == ProgressReport.Status.FAILED
        assert "stockage momentanément injoignable" in report.error
