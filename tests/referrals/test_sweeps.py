"""Tacit opinions at the deadline and reminders before it: each recorded or sent exactly once,
however many times (or how concurrently) beat runs the sweeps."""

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from core.models import OutboundMessage
from governance.models import AuditEvent
from referrals.consultation import sweeps
from referrals.models import Opinion, Referral
from tests.factories import UserFactory
from tests.referrals.factories import OpinionFactory, ReferralFactory

RECEIVED = dt.date(2026, 3, 16)  # + 3 months: Tuesday 16 June 2026
AFTER = dt.datetime(2026, 6, 17, 0, 0, 1, tzinfo=dt.timezone(dt.timedelta(hours=2)))
LAST_MINUTE = dt.datetime(2026, 6, 16, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=2)))


def _awaiting(epci, n, **referral):
    referral = ReferralFactory(epci=epci, **referral)
    return referral, OpinionFactory.create_batch(n, referral=referral, received_on=RECEIVED)


@pytest.mark.django_db
class TestTacitOpinions:
    def test_recorded_once_when_the_sweep_runs_twice(self, epci):
        referral, opinions = _awaiting(epci, 3)
        OpinionFactory(referral=referral, received_on=RECEIVED, filed=True)
        assert sweeps.record_tacit_opinions(now=AFTER) == 3
        assert sweeps.record_tacit_opinions(now=AFTER) == 0
        tacit = Opinion.objects.filter(referral=referral, state=Opinion.State.TACIT)
        assert tacit.count() == 3
        assert set(tacit.values_list("verdict", flat=True)) == {"favourable"}
        events = AuditEvent.objects.filter(action="referral.tacit_opinion")
        assert events.count() == 3
        rule = events.first().data["rule"]
        assert rule.startswith("Avis réputé favorable (CGCT L5211-17) : aucune réponse")
        assert "mardi 16/06/2026" in rule
        assert tacit.first().tacit_rule == rule

    def test_not_before_midnight_of_the_effective_day(self, epci):
        _awaiting(epci, 2)
        assert sweeps.record_tacit_opinions(now=LAST_MINUTE) == 0

    def test_silence_meaning_follows_the_preset(self, epci):
        _, pact = _awaiting(epci, 1, governance_pact=True, deadline_months=3)
        _, clect = _awaiting(epci, 1, clect=True)
        sweeps.record_tacit_opinions(now=AFTER)
        assert Opinion.objects.get(pk=pact[0].pk).verdict == Opinion.Verdict.NO_OPINION
        assert Opinion.objects.get(pk=clect[0].pk).verdict == Opinion.Verdict.NOT_APPROVED
        assert "Réputé ne pas approuver (CGI" in Opinion.objects.get(pk=clect[0].pk).tacit_rule

    def test_unreceived_draft_and_closed_referrals_are_left_alone(self, epci):
        referral = ReferralFactory(epci=epci)
        not_received = OpinionFactory(referral=referral)
        _, closed = _awaiting(epci, 1, closed=True)
        assert sweeps.record_tacit_opinions(now=AFTER) == 0
        assert Opinion.objects.get(pk=not_received.pk).state == Opinion.State.AWAITING
        assert Opinion.objects.get(pk=closed[0].pk).state == Opinion.State.AWAITING

    def test_a_commune_cannot_hold_two_lines(self, epci):
        _, (opinion,) = _awaiting(epci, 1)
        with pytest.raises(IntegrityError), transaction.atomic():
            Opinion.objects.create(referral=opinion.referral, commune=opinion.commune)

    def test_referral_closes_once_every_deadline_has_passed(self, epci):
        referral, _ = _awaiting(epci, 2)
        sweeps.record_tacit_opinions(now=AFTER)
        assert sweeps.close_due_referrals(now=AFTER) == 1
        assert sweeps.close_due_referrals(now=AFTER) == 0
        referral.refresh_from_db()
        assert referral.status == Referral.Status.CLOSED
        assert AuditEvent.objects.filter(action="referral.closed").count() == 1

    def test_referral_with_an_unreceived_commune_stays_open(self, epci):
        referral, _ = _awaiting(epci, 1)
        OpinionFactory(referral=referral)
        sweeps.record_tacit_opinions(now=AFTER)
        assert sweeps.close_due_referrals(now=AFTER) == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_record_each_tacit_opinion_once(epci):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        "file:memorydb"
    ):
        pytest.skip("two connections to SQLite's in-memory test database lock each other out")
    referral, _ = _awaiting(epci, 20)
    barrier = threading.Barrier(2)
    results = []

    def run():
        from django.db import connection as thread_connection

        barrier.wait()
        try:
            results.append(sweeps.record_tacit_opinions(now=AFTER))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 20]
    assert AuditEvent.objects.filter(action="referral.tacit_opinion").count() == 20


@pytest.mark.django_db
class TestReminders:
    def _setup(self, epci, commune, dgs, mayor):
        referral = ReferralFactory(epci=epci)
        return OpinionFactory(referral=referral, commune=commune, received_on=RECEIVED)

    def test_each_reminder_goes_out_once(self, epci, commune, dgs, mayor):
        opinion = self._setup(epci, commune, dgs, mayor)
        deadline = opinion.deadline_effective
        assert sweeps.send_due_reminders(today=deadline - dt.timedelta(days=30)) == 2
        assert sweeps.send_due_reminders(today=deadline - dt.timedelta(days=30)) == 0
        # Nothing new until the next threshold, then the 15-day reminder once.
        assert sweeps.send_due_reminders(today=deadline - dt.timedelta(days=20)) == 0
        assert sweeps.send_due_reminders(today=deadline - dt.timedelta(days=15)) == 2
        assert sweeps.send_due_reminders(today=deadline - dt.timedelta(days=14)) == 0
        keys = set(OutboundMessage.objects.values_list("dedup_key", flat=True))
        assert keys == {
            f"referral:{opinion.referral_id}:reminder:{commune.pk}:{days}:{user.pk}"
            for days in (30, 15)
            for user in (dgs, mayor)
        }
        assert {m.to_email for m in OutboundMessage.objects.all()} == {dgs.email, mayor.email}

    def test_a_reminder_missed_by_beat_goes_out_late(self, epci, commune, dgs, mayor):
        opinion = self._setup(epci, commune, dgs, mayor)
        today = opinion.deadline_effective - dt.timedelta(days=5)
        assert sweeps.send_due_reminders(today=today) == 2
        assert OutboundMessage.objects.filter(dedup_key__contains=":reminder:").count() == 2
        assert all(":7:" in k for k in OutboundMessage.objects.values_list("dedup_key", flat=True))

    def test_no_reminder_after_answering_or_for_other_settings(self, epci, commune, dgs, mayor):
        opinion = self._setup(epci, commune, dgs, mayor)
        Opinion.objects.filter(pk=opinion.pk).update(
            state=Opinion.State.FILED, verdict="favourable"
        )
        assert sweeps.send_due_reminders(today=opinion.deadline_effective) == 0
        other = OpinionFactory(
            referral=ReferralFactory(epci=epci, reminder_days=[10]), received_on=RECEIVED
        )
        UserFactory(epci=epci, dgs=True, commune=other.commune)
        assert sweeps.send_due_reminders(today=other.deadline_effective - dt.timedelta(30)) == 0
        assert sweeps.send_due_reminders(today=other.deadline_effective - dt.timedelta(10)) == 1

    def test_threshold(self):
        assert sweeps.reminder_threshold(31, [30, 15, 7, 1]) is None
        assert sweeps.reminder_threshold(30, [30, 15, 7, 1]) == 30
        assert sweeps.reminder_threshold(8, [30, 15, 7, 1]) == 15
        assert sweeps.reminder_threshold(0, [30, 15, 7, 1]) == 1
        assert sweeps.reminder_threshold(-1, [30, 15, 7, 1]) is None
