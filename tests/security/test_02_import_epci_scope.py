"""Every importer writes only inside the uploader's EPCI. A DGCL composition file with a row
that names another EPCI's commune is rejected whole, with the line, and writes nothing; the
national files (COG, populations, RNE) touch only the uploader's communes and people."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance.importers.errors import ImportRejected
from governance.importers.services import import_file
from governance.models import EPCI, Commune, ImportRun, Mandate, Person
from tests.factories import CommuneFactory, EPCIFactory, UserFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parents[1] / "governance" / "fixtures"
DGCL = FIXTURES / "dgcl_epcicom2026_sheet_Epcicom2025__m2a_amp.csv"
COG = FIXTURES / "insee_cog2026_v_commune_2026__m2a_amp.csv"
POPULATIONS = FIXTURES / "insee_populations_legales_2023_donnees_communes__m2a_amp.csv"
M2A, AMP = "200066009", "200054807"
MARSEILLE = "13055"


def run(content: bytes, name: str, epci, **kwargs):
    return import_file(fileobj=io.BytesIO(content), name=name, epci=epci, **kwargs)


def snapshot():
    return [
        list(model.objects.order_by("pk").values()) for model in (EPCI, Commune, Person, Mandate)
    ]


@pytest.fixture
def m2a_and_amp(db):
    for siren in (M2A, AMP):
        run(DGCL.read_bytes(), DGCL.name, None, siren=siren)
    return EPCI.objects.get(siren=M2A), EPCI.objects.get(siren=AMP)


def m2a_file_with_marseille() -> bytes:
    """m2A's own DGCL rows, plus one row under m2A's SIREN naming Marseille (an AMP commune)."""
    with open(DGCL, encoding="utf-8") as fileobj:
        rows = list(csv.DictReader(fileobj))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    m2a_rows = [r for r in rows if r["siren"] == M2A]
    writer.writerows(m2a_rows)
    template = m2a_rows[0]
    writer.writerow({**template, "insee": MARSEILLE, "nom_membre": "Marseille-sur-Ill"})
    return out.getvalue().encode()


class TestDgclComposition:
    def test_a_row_for_another_epcis_commune_rejects_the_file(self, m2a_and_amp):
        m2a, amp = m2a_and_amp
        before = snapshot()
        with pytest.raises(ImportRejected) as info:
            run(m2a_file_with_marseille(), "epcicom2026.csv", m2a)
        assert snapshot() == before
        marseille = Commune.objects.get(insee_code=MARSEILLE)
        assert (marseille.epci, marseille.name) == (amp, "Marseille")
        message = info.value.message
        assert "Marseille (13055)" in message
        assert "membre d'un autre EPCI" in message
        assert "Ligne 41" in message  # header, then m2A's 39 communes

    def test_through_the_upload_page(self, client, m2a_and_amp, django_capture_on_commit_callbacks):
        m2a, amp = m2a_and_amp
        secretariat = UserFactory(epci=m2a, secretariat=True, with_totp=True)
        client.force_login(secretariat)
        before = snapshot()
        upload = SimpleUploadedFile(
            "epcicom2026.csv", m2a_file_with_marseille(), content_type="text/csv"
        )
        with django_capture_on_commit_callbacks(execute=True):
            url = reverse("governance:import_list")
            response = client.post(url, {"file": upload, "kind": "auto"})
        assert response.status_code == 302
        run_row = ImportRun.objects.get()
        assert run_row.status == ImportRun.Status.REJECTED
        assert "membre d'un autre EPCI" in run_row.error
        assert snapshot() == before
        page = client.get(response["Location"]).content.decode()
        assert "Marseille (13055)" in page

    def test_a_commune_without_epci_can_join(self, m2a_and_amp):
        """A commune its former EPCI has detached (no EPCI any more) may be taken in."""
        m2a, _ = m2a_and_amp
        Commune.objects.filter(insee_code=MARSEILLE).update(epci=None)
        run(m2a_file_with_marseille(), "epcicom2026.csv", m2a)
        assert Commune.objects.get(insee_code=MARSEILLE).epci == m2a

    def test_the_own_file_still_imports(self, m2a_and_amp):
        m2a, amp = m2a_and_amp
        Commune.objects.filter(epci=m2a, insee_code="68224").update(name="Ancien nom")
        run(DGCL.read_bytes(), DGCL.name, m2a)
        assert Commune.objects.get(insee_code="68224").name == "Mulhouse"
        assert Commune.objects.filter(epci=amp).count() == 92


class TestNationalFiles:
    """COG and populations list every commune of France: only the uploader's are written."""

    def test_cog_renames_only_the_uploaders_communes(self, m2a_and_amp):
        m2a, amp = m2a_and_amp
        Commune.objects.filter(insee_code__in=["68224", MARSEILLE]).update(name="Renommée")
        run(COG.read_bytes(), COG.name, m2a)
        assert Commune.objects.get(insee_code="68224").name == "Mulhouse"
        assert Commune.objects.get(insee_code=MARSEILLE).name == "Renommée"
        assert Commune.objects.get(insee_code=MARSEILLE).epci == amp

    def test_populations_update_only_the_uploaders_communes(self, m2a_and_amp):
        m2a, amp = m2a_and_amp
        Commune.objects.filter(insee_code__in=["68224", MARSEILLE]).update(
            population=1, population_vintage=2000
        )
        run(POPULATIONS.read_bytes(), POPULATIONS.name, m2a, vintage=2023)
        assert Commune.objects.get(insee_code="68224").population > 1
        marseille = Commune.objects.get(insee_code=MARSEILLE)
        assert (marseille.population, marseille.population_vintage, marseille.epci) == (
            1,
            2000,
            amp,
        )


class TestRne:
    def test_rows_of_another_epcis_commune_create_nothing_there(self, db):
        ours = EPCIFactory(siren=M2A)
        theirs = EPCIFactory(siren="200099999")
        CommuneFactory(epci=ours, insee_code="68224", name="Mulhouse")
        CommuneFactory(epci=ours, insee_code="68376", name="Wittenheim")
        illzach = CommuneFactory(epci=theirs, insee_code="68154", name="Illzach")
        for name in ("rne_maires.csv", "rne_conseillers_municipaux.csv"):
            run((FIXTURES / name).read_bytes(), name, ours)
        assert Person.objects.filter(epci=ours).exists()
        assert not Person.objects.filter(epci=theirs).exists()
        assert not Mandate.objects.filter(commune=illzach).exists()
        assert not Mandate.objects.exclude(person__epci=ours).exists()
