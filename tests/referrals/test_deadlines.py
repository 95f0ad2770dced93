"""Each commune's deadline runs from its own receipt and comes from the legal calendar: real
cases of docs/DOMAIN.md §5 and §7, through the service that records a receipt."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from referrals.consultation import services
from referrals.models import Opinion
from tests.factories import CommuneFactory
from tests.referrals.factories import OpinionFactory, ReferralFactory

pytestmark = pytest.mark.django_db

SENT = dt.datetime(2025, 1, 2, 9, 0, tzinfo=dt.UTC)


def receive(secretariat, epci, received_on, departement="68", **referral):
    referral = ReferralFactory(epci=epci, sent_at=SENT, **referral)
    opinion = OpinionFactory(
        referral=referral, commune=CommuneFactory(epci=epci, departement=departement)
    )
    return services.record_paper_receipt(
        actor=secretariat, opinion=opinion, received_on=received_on
    )


@pytest.mark.parametrize(
    "received_on,departement,nominal,effective",
    [
        # 15 March + 3 months: 15 June (a Monday), not extended.
        (dt.date(2026, 3, 15), "68", dt.date(2026, 6, 15), dt.date(2026, 6, 15)),
        # 30 November + 3 months: last day of February (Saturday), extended to Monday.
        (dt.date(2025, 11, 30), "13", dt.date(2026, 2, 28), dt.date(2026, 3, 2)),
        # Ends on 26 December (a Friday): a holiday in Haut-Rhin only.
        (dt.date(2025, 9, 26), "68", dt.date(2025, 12, 26), dt.date(2025, 12, 29)),
        (dt.date(2025, 9, 26), "13", dt.date(2025, 12, 26), dt.date(2025, 12, 26)),
        # Ends on Easter Monday 2026: extended to Tuesday.
        (dt.date(2026, 1, 6), "13", dt.date(2026, 4, 6), dt.date(2026, 4, 7)),
    ],
)
def test_three_month_deadlines(secretariat, epci, received_on, departement, nominal, effective):
    opinion = receive(secretariat, epci, received_on, departement)
    assert opinion.deadline_nominal == nominal
    assert opinion.deadline_effective == effective
    assert "3 mois" in opinion.deadline_rule
    paris = ZoneInfo("Europe/Paris")
    assert opinion.deadline_ends_at == dt.datetime.combine(
        effective + dt.timedelta(days=1), dt.time.min, paris
    )
    reloaded = Opinion.objects.get(pk=opinion.pk)
    assert reloaded.received_on == received_on and reloaded.receipt_method == "paper"


def test_alsace_rule_names_the_holiday(secretariat, epci):
    opinion = receive(secretariat, epci, dt.date(2025, 9, 26), "68")
    assert "reportée au lundi 29/12/2025" in opinion.deadline_rule


def test_governance_pact_runs_two_months(secretariat, epci):
    # 10 March + 2 months = Sunday 10 May, extended to Monday 11 May.
    opinion = receive(secretariat, epci, dt.date(2026, 3, 10), "13", governance_pact=True)
    assert opinion.deadline_nominal == dt.date(2026, 5, 10)
    assert opinion.deadline_effective == dt.date(2026, 5, 11)
    assert "2 mois" in opinion.deadline_rule


def test_each_commune_runs_from_its_own_receipt(secretariat, epci):
    referral = ReferralFactory(epci=epci, sent_at=SENT)
    first, second = OpinionFactory.create_batch(2, referral=referral)
    services.record_paper_receipt(actor=secretariat, opinion=first, received_on=dt.date(2026, 3, 2))
    services.record_paper_receipt(
        actor=secretariat, opinion=second, received_on=dt.date(2026, 3, 9)
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.deadline_effective == dt.date(2026, 6, 2)
    assert second.deadline_effective == dt.date(2026, 6, 9)


def test_receipt_by_link_is_recorded_once(dgs, epci, commune):
    referral = ReferralFactory(epci=epci)
    opinion = OpinionFactory(referral=referral, commune=commune)
    now = dt.datetime(2026, 3, 15, 23, 30, tzinfo=dt.UTC)  # already 16 March in Paris
    assert services.acknowledge_receipt(actor=dgs, opinion=opinion, now=now)
    assert not services.acknowledge_receipt(actor=dgs, opinion=opinion, now=now)
    opinion.refresh_from_db()
    assert opinion.received_on == dt.date(2026, 3, 16)
    assert opinion.receipt_method == "link"
    assert opinion.deadline_nominal == dt.date(2026, 6, 16)


def test_receipt_cannot_precede_sending(secretariat, epci):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        receive(secretariat, epci, dt.date(2024, 12, 1))
