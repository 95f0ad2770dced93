"""Consultation pages: the right persona (200), the wrong persona of the same EPCI (403 or 404
as the scope rule says), an outsider (404), and query counts pinned at 10 and 92 communes."""

import datetime as dt

import pytest
from django.urls import reverse

from referrals.models import Opinion
from tests.factories import CommuneFactory, SectorFactory
from tests.referrals.factories import OpinionFactory, ReferralFactory, amp

pytestmark = pytest.mark.django_db

RECEIVED = dt.date(2026, 3, 16)


def _referral(epci, commune, n, **kwargs):
    """A referral to `commune` and n-1 other communes, half of them answered."""
    referral = ReferralFactory(epci=epci, **kwargs)
    OpinionFactory(referral=referral, commune=commune, received_on=RECEIVED)
    sectors = [SectorFactory(epci=epci) for _ in range(3)]
    for i in range(n - 1):
        OpinionFactory(
            referral=referral,
            commune=CommuneFactory(epci=epci, sector=sectors[i % 3]),
            received_on=RECEIVED,
            filed=i % 2 == 0,
        )
    return referral


def url(name, referral, commune=None, **kwargs):
    if commune is not None:
        kwargs["insee_code"] = commune.insee_code
    return reverse(f"referrals:{name}", kwargs={"pk": referral.pk, **kwargs})


class TestAnonymous:
    def test_is_sent_to_login(self, client):
        response = client.get(reverse("referrals:referral_list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


class TestList:
    def test_secretariat_sees_all_dgs_only_its_referrals(
        self, client, secretariat, dgs, epci, commune, other_commune
    ):
        mine = _referral(epci, commune, 2)
        theirs = _referral(epci, other_commune, 1)
        draft = ReferralFactory(epci=epci, draft=True)
        OpinionFactory(referral=draft, commune=commune)
        client.force_login(secretariat)
        page = client.get(reverse("referrals:referral_list"))
        assert set(page.context["referrals"]) == {mine, theirs, draft}
        client.force_login(dgs)
        page = client.get(reverse("referrals:referral_list"))
        assert list(page.context["referrals"]) == [mine]
        assert page.context["referrals"][0].commune_count == 2

    def test_outsider_sees_nothing(self, client, outsider, epci, commune):
        _referral(epci, commune, 2)
        client.force_login(outsider)
        assert list(client.get(reverse("referrals:referral_list")).context["referrals"]) == []

    @pytest.mark.parametrize("n", [2, 12])
    def test_query_count(self, client, secretariat, epci, commune, n, django_assert_num_queries):
        for _ in range(n):
            _referral(epci, commune, 3)
        client.force_login(secretariat)
        # session, user, TOTP check (middleware), referrals with counts, EPCI (header)
        with django_assert_num_queries(5):
            assert client.get(reverse("referrals:referral_list")).status_code == 200


class TestDashboard:
    def test_secretariat_sees_every_commune_and_the_majority(
        self, client, secretariat, epci, commune
    ):
        referral = _referral(epci, commune, 10)
        client.force_login(secretariat)
        response = client.get(url("referral_detail", referral))
        assert response.status_code == 200
        dashboard = response.context["dashboard"]
        assert len(dashboard.opinions) == 10
        assert dashboard.by_state["Réponse déposée"] == 5
        assert dashboard.outcome is not None
        assert "Majorité qualifiée" in response.content.decode()

    def test_dgs_sees_only_its_commune_until_closed(
        self, client, dgs, epci, commune, other_commune
    ):
        referral = _referral(epci, commune, 5)
        OpinionFactory(referral=referral, commune=other_commune, filed=True)
        client.force_login(dgs)
        response = client.get(url("referral_detail", referral))
        assert response.status_code == 200
        assert [o.commune for o in response.context["dashboard"].opinions] == [commune]
        assert other_commune.name not in response.content.decode()
        referral.status = "closed"
        referral.save()
        response = client.get(url("referral_detail", referral))
        assert len(response.context["dashboard"].opinions) == 6

    def test_dgs_of_a_commune_not_consulted_gets_404(self, client, other_dgs, epci, commune):
        referral = _referral(epci, commune, 1)
        client.force_login(other_dgs)
        assert client.get(url("referral_detail", referral)).status_code == 404

    def test_outsider_gets_404(self, client, outsider, epci, commune):
        referral = _referral(epci, commune, 2)
        client.force_login(outsider)
        assert client.get(url("referral_detail", referral)).status_code == 404

    @pytest.mark.parametrize("n", [10, 92])
    def test_query_count(self, client, secretariat, epci, commune, n, django_assert_num_queries):
        referral = _referral(epci, commune, n)
        client.force_login(secretariat)
        # session, user, TOTP, referral (+EPCI, questionnaire), lines (+communes, sectors),
        # documents, the user's EPCI (header)
        with django_assert_num_queries(7):
            assert client.get(url("referral_detail", referral)).status_code == 200

    def test_query_count_on_the_92_real_communes_of_amp(
        self, client, secretariat, epci, django_assert_num_queries
    ):
        referral = ReferralFactory(epci=epci)
        for i, commune in enumerate(amp(epci, sectors=3)):
            OpinionFactory(
                referral=referral, commune=commune, received_on=RECEIVED, filed=i % 3 != 0
            )
        client.force_login(secretariat)
        with django_assert_num_queries(7):
            response = client.get(url("referral_detail", referral))
        outcome = response.context["dashboard"].outcome
        assert outcome.councils == 92 and outcome.population == 1_939_077
        assert outcome.largest.name == "Marseille"

    def test_table_of_communes_is_printed_from_ready_lines(
        self, client, secretariat, epci, commune
    ):
        """The selector formats each row (links, dates, populations, labels) as the template
        filters did; the page prints them, escaped."""
        referral = ReferralFactory(epci=epci)
        commune.sector = SectorFactory(epci=epci, name="Pays d'Aix")
        commune.save()
        # Received on Saturday 14 March 2026: the legal deadline, Sunday 14 June, is postponed.
        filed = OpinionFactory(
            referral=referral,
            commune=commune,
            population=149_695,
            received_on=dt.date(2026, 3, 14),
            filed=True,
        )
        Opinion.objects.filter(pk=filed.pk).update(deliberation_pdf="referrals/d.pdf")
        OpinionFactory(
            referral=referral,
            commune=CommuneFactory(epci=epci, name="Zèbre", insee_code="2A004", sector=None),
            population=999,
            received_on=RECEIVED,
            unfavourable=True,
            late_verdict=Opinion.Verdict.FAVOURABLE,
        )
        OpinionFactory(referral=referral, commune=CommuneFactory(epci=epci, name="Abeille"))
        client.force_login(secretariat)
        response = client.get(url("referral_detail", referral))
        waiting, answered, late = response.context["dashboard"].lines
        assert waiting["name"] == "Abeille"
        assert (waiting["received_on"], waiting["deadline"], waiting["verdict"]) == ("—", "", "—")
        assert waiting["state"] == "En attente" and waiting["deliberation_url"] == ""
        assert answered == {
            "name": "Villetest",
            "url": f"/saisines/{referral.pk}/communes/68224/",
            "sector": "Pays d'Aix",
            "population": "149\xa0695",
            "received_on": "14/03/2026",
            "deadline": "15/06/2026",
            "postponed": True,
            "legal_deadline": "14/06/2026",
            "state": "Réponse déposée",
            "verdict": "Favorable",
            "late_verdict": "",
            "deliberation_url": f"/saisines/{referral.pk}/communes/68224/deliberation.pdf",
            "deliberation": "n° 2026-01 du 15/01/2026",
        }
        assert late["sector"] == "—" and late["postponed"] is False
        assert (late["verdict"], late["late_verdict"]) == ("Défavorable", "Favorable")
        assert late["url"] == url("opinion_detail", referral, insee_code="2A004")
        page = response.content.decode()
        assert '<th scope="row"><a href="{}">Villetest</a></th>'.format(answered["url"]) in page
        assert "<td>Pays d&#x27;Aix</td>" in page
        assert '<td class="num">149\xa0695</td>' in page
        assert "(légale : 14/06/2026, reportée)</span>" in page
        assert '<span class="muted">non reçue</span>' in page
        assert '<span class="muted">(tardif : Favorable)</span>' in page
        assert '">n° 2026-01 du 15/01/2026</a>' in page

    @pytest.mark.parametrize("n", [10, 92])
    def test_dgs_query_count(self, client, dgs, epci, commune, n, django_assert_num_queries):
        referral = _referral(epci, commune, n)
        client.force_login(dgs)
        # session, user, referral in scope, own line, documents, EPCI (header)
        with django_assert_num_queries(6):
            assert client.get(url("referral_detail", referral)).status_code == 200


class TestCreate:
    def test_secretariat_opens_a_referral_for_a_sector(self, client, secretariat, epci):
        sector = SectorFactory(epci=epci)
        inside = CommuneFactory.create_batch(3, epci=epci, sector=sector)
        CommuneFactory(epci=epci)
        client.force_login(secretariat)
        response = client.post(
            reverse("referrals:referral_create"),
            {
                "subject": "Transfert de la compétence eau",
                "legal_basis": "competence",
                "scope": "sector",
                "sector": sector.pk,
                "reminder_days": "30, 7",
            },
        )
        assert response.status_code == 302
        referral = secretariat.epci.referrals.get()
        assert referral.deadline_months == 3 and referral.silence == "favourable"
        assert referral.majority == "perimeter" and referral.reminder_days == [30, 7]
        assert set(referral.opinions.values_list("commune_id", flat=True)) == {c.pk for c in inside}

    def test_custom_basis_needs_a_deadline(self, client, secretariat, epci, commune):
        client.force_login(secretariat)
        response = client.post(
            reverse("referrals:referral_create"),
            {"subject": "Divers", "legal_basis": "custom", "scope": "all"},
        )
        assert response.status_code == 200
        assert "Indiquez le délai de réponse" in response.content.decode()

    def test_single_commune_basis_refuses_several(self, client, secretariat, epci, commune):
        CommuneFactory(epci=epci)
        client.force_login(secretariat)
        response = client.post(
            reverse("referrals:referral_create"),
            {"subject": "Voirie", "legal_basis": "single_commune", "scope": "all"},
        )
        assert "consulte une commune" in response.content.decode()

    def test_dgs_gets_403(self, client, dgs):
        client.force_login(dgs)
        assert client.get(reverse("referrals:referral_create")).status_code == 403


class TestOpinionPage:
    def test_dgs_reads_its_commune_and_its_receipt_is_recorded(self, client, dgs, epci, commune):
        referral = ReferralFactory(epci=epci)
        OpinionFactory(referral=referral, commune=commune)
        client.force_login(dgs)
        response = client.get(url("opinion_detail", referral, commune))
        assert response.status_code == 200
        opinion = Opinion.objects.get(referral=referral, commune=commune)
        assert opinion.receipt_method == "link" and opinion.deadline_effective is not None
        assert "Déposer l'avis" in response.content.decode()

    def test_dgs_of_commune_a_cannot_read_or_answer_for_commune_b(
        self, client, dgs, epci, commune, other_commune
    ):
        referral = _referral(epci, commune, 1)
        OpinionFactory(referral=referral, commune=other_commune)
        client.force_login(dgs)
        assert client.get(url("opinion_detail", referral, other_commune)).status_code == 404
        post = client.post(
            url("opinion_detail", referral, other_commune), {"verdict": "favourable"}
        )
        assert post.status_code == 404
        assert client.get(url("deliberation_download", referral, other_commune)).status_code == 404

    def test_secretariat_reads_but_cannot_file(self, client, secretariat, epci, commune):
        referral = _referral(epci, commune, 1)
        client.force_login(secretariat)
        assert client.get(url("opinion_detail", referral, commune)).status_code == 200
        post = client.post(url("opinion_detail", referral, commune), {"verdict": "favourable"})
        assert post.status_code == 403

    def test_outsider_gets_404(self, client, outsider, epci, commune):
        referral = _referral(epci, commune, 1)
        client.force_login(outsider)
        assert client.get(url("opinion_detail", referral, commune)).status_code == 404

    @pytest.mark.parametrize("n", [10, 92])
    def test_query_count(self, client, dgs, epci, commune, n, django_assert_num_queries):
        referral = _referral(epci, commune, n)
        client.force_login(dgs)
        # session, user, referral, line (+commune, filer), documents, EPCI (header)
        with django_assert_num_queries(6):
            assert client.get(url("opinion_detail", referral, commune)).status_code == 200


class TestSecretariatActions:
    def test_paper_receipt(self, client, secretariat, dgs, epci, commune):
        referral = ReferralFactory(epci=epci, sent_at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC))
        OpinionFactory(referral=referral, commune=commune)
        client.force_login(dgs)
        post = client.post(url("receipt_record", referral, commune), {"received_on": "2026-03-16"})
        assert post.status_code == 403
        client.force_login(secretariat)
        client.post(url("receipt_record", referral, commune), {"received_on": "2026-03-16"})
        opinion = Opinion.objects.get(referral=referral)
        assert opinion.deadline_effective == dt.date(2026, 6, 16)

    def test_close_is_secretariat_only(self, client, secretariat, dgs, outsider, epci, commune):
        referral = _referral(epci, commune, 2)
        client.force_login(outsider)
        assert client.post(url("referral_close", referral)).status_code == 404
        client.force_login(dgs)
        assert client.post(url("referral_close", referral)).status_code == 403
        client.force_login(secretariat)
        assert client.post(url("referral_close", referral)).status_code == 302
        referral.refresh_from_db()
        assert referral.status == "closed"
        assert client.post(url("referral_close", referral)).status_code == 302  # already done


class TestSending:
    def test_send_transmits_once_to_each_commune(
        self, client, secretariat, dgs, mayor, epci, commune
    ):
        from core.models import OutboundMessage

        referral = ReferralFactory(epci=epci, draft=True)
        OpinionFactory(referral=referral, commune=commune)
        client.force_login(dgs)
        assert client.post(url("referral_send", referral)).status_code == 404  # draft: unseen
        client.force_login(secretariat)
        client.post(url("referral_send", referral))
        client.post(url("referral_send", referral))  # double submit: "already done"
        referral.refresh_from_db()
        assert referral.status == "open" and referral.sent_at is not None
        assert Opinion.objects.get(referral=referral).sent_at == referral.sent_at
        mails = OutboundMessage.objects.filter(category="referral")
        assert {m.to_email for m in mails} == {dgs.email, mayor.email}
        assert mails.count() == 2
        assert f"/saisines/{referral.pk}/communes/{commune.insee_code}/" in mails[0].body_text
