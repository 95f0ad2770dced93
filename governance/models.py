"""The governance core: the EPCI, its communes and sectors, people and their mandates, the
bodies (instances) with their rules, memberships, accounts and the audit log."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from governance.rules import BodyKind, QuorumRule

siren_validator = RegexValidator(r"^\d{9}$", "Le SIREN compte 9 chiffres.")
insee_validator = RegexValidator(r"^(\d{5}|2[AB]\d{3})$", "Code INSEE invalide (5 caractères).")


class EPCI(models.Model):
    class Nature(models.TextChoices):
        CC = "CC", "Communauté de communes"
        CA = "CA", "Communauté d'agglomération"
        CU = "CU", "Communauté urbaine"
        METRO = "METRO", "Métropole"
        MET69 = "MET69", "Métropole de Lyon"

    siren = models.CharField("SIREN", max_length=9, unique=True, validators=[siren_validator])
    name = models.CharField("nom", max_length=200)
    nature = models.CharField("nature juridique", max_length=5, choices=Nature.choices)

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class Sector(models.Model):
    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="sectors")
    name = models.CharField("nom", max_length=100)

    class Meta:
        verbose_name = "secteur"
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["epci", "name"], name="uniq_sector_name")]

    def __str__(self):
        return self.name


class CommuneQuerySet(models.QuerySet):
    def for_epci(self, epci_id):
        return self.filter(epci_id=epci_id)

    def for_directory(self):
        """Directory list: sector in the same query, mayor prefetched (2 queries in all)."""
        return (
            self.select_related("sector")
            .prefetch_related(
                models.Prefetch(
                    "mandates",
                    queryset=Mandate.objects.current()
                    .filter(kind=Mandate.Kind.MAYOR)
                    .select_related("person"),
                    to_attr="current_mayors",
                )
            )
            .order_by("name", "pk")
        )


class Commune(models.Model):
    insee_code = models.CharField(
        "code INSEE", max_length=5, unique=True, validators=[insee_validator]
    )
    name = models.CharField("nom", max_length=200)
    departement = models.CharField("département", max_length=3)
    population = models.PositiveIntegerField("population municipale", null=True, blank=True)
    population_vintage = models.PositiveSmallIntegerField(
        "millésime de la population", null=True, blank=True
    )
    siren = models.CharField("SIREN", max_length=9, blank=True, validators=[siren_validator])
    epci = models.ForeignKey(
        EPCI, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes"
    )
    sector = models.ForeignKey(
        Sector, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes"
    )

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class Person(models.Model):
    """A person known to the portal. Only what the portal needs: no date of birth (RNE carries
    one; the importers drop it)."""

    class Civility(models.TextChoices):
        MME = "F", "Mme"
        M = "M", "M."

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="people")
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    civility = models.CharField("civilité", max_length=1, choices=Civility.choices, blank=True)
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    # Normalised "NOM|PRENOM" used to recognise a person across imports of the RNE, which has no id.
    match_key = models.CharField(max_length=220, db_index=True, editable=False)

    class Meta:
        verbose_name = "personne"
        ordering = ["last_name", "first_name", "pk"]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        from governance.text import person_match_key

        self.match_key = person_match_key(self.last_name, self.first_name)
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class MandateQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(start_date__lte=on) | Q(start_date__isnull=True)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on)
        )


class Mandate(models.Model):
    class Kind(models.TextChoices):
        MAYOR = "mayor", "Maire"
        DEPUTY_MAYOR = "deputy_mayor", "Adjoint au maire"
        MUNICIPAL_COUNCILLOR = "municipal_councillor", "Conseiller municipal"
        COMMUNITY_COUNCILLOR = "community_councillor", "Conseiller communautaire titulaire"
        COMMUNITY_SUBSTITUTE = "community_substitute", "Conseiller communautaire suppléant"
        PRESIDENT = "president", "Président de l'EPCI"
        VICE_PRESIDENT = "vice_president", "Vice-président"
        DELEGATED_COUNCILLOR = "delegated_councillor", "Conseiller délégué"
        DGS = "dgs", "Directeur général des services"
        TOWN_CLERK = "town_clerk", "Secrétaire de mairie"
        EPCI_STAFF = "epci_staff", "Agent de l'EPCI"

    ELECTED_KINDS = (
        Kind.MAYOR,
        Kind.DEPUTY_MAYOR,
        Kind.MUNICIPAL_COUNCILLOR,
        Kind.COMMUNITY_COUNCILLOR,
        Kind.COMMUNITY_SUBSTITUTE,
        Kind.PRESIDENT,
        Kind.VICE_PRESIDENT,
        Kind.DELEGATED_COUNCILLOR,
    )
    COMMUNE_STAFF_KINDS = (Kind.DGS, Kind.TOWN_CLERK)

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="mandates")
    kind = models.CharField("mandat", max_length=30, choices=Kind.choices)
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, null=True, blank=True, related_name="mandates"
    )
    epci = models.ForeignKey(
        EPCI, on_delete=models.CASCADE, null=True, blank=True, related_name="mandates"
    )
    label = models.CharField("libellé de la fonction", max_length=200, blank=True)
    rank = models.PositiveSmallIntegerField("rang", null=True, blank=True)
    delegation = models.CharField("délégation", max_length=300, blank=True)
    start_date = models.DateField("début", null=True, blank=True)
    end_date = models.DateField("fin", null=True, blank=True)
    source = models.CharField("origine", max_length=20, default="manual")

    objects = MandateQuerySet.as_manager()

    class Meta:
        verbose_name = "mandat"
        ordering = ["kind", "rank", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(commune__isnull=False) | Q(epci__isnull=False),
                name="mandate_has_a_collectivity",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="mandate_dates_ordered",
            ),
        ]

    def __str__(self):
        where = self.commune or self.epci
        return f"{self.label or self.get_kind_display()} ({where})"


class BodyQuerySet(models.QuerySet):
    def for_epci(self, epci_id):
        return self.filter(epci_id=epci_id)


class Body(models.Model):
    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="bodies")
    kind = models.CharField("type d'instance", max_length=30, choices=BodyKind.choices)
    name = models.CharField("nom", max_length=200)
    sector = models.ForeignKey(
        Sector,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bodies",
        help_text="Pour une conférence territoriale.",
    )
    description = models.TextField("description", blank=True)
    notice_days = models.PositiveSmallIntegerField("délai de convocation (jours francs)")
    emergency_notice_days = models.PositiveSmallIntegerField(
        "délai en cas d'urgence (jours francs)",
        null=True,
        blank=True,
        help_text="Vide : l'urgence n'est pas prévue pour cette instance.",
    )
    quorum_rule = models.CharField("règle de quorum", max_length=10, choices=QuorumRule.choices)
    proxies_allowed = models.BooleanField("pouvoirs admis")
    is_public = models.BooleanField("séances publiques")
    min_sessions_per_year = models.PositiveSmallIntegerField("séances minimum par an", default=0)
    deliberative = models.BooleanField("délibère")
    gives_opinions = models.BooleanField("rend des avis")
    convened_by = models.CharField("convoquée par", max_length=200)
    active = models.BooleanField("active", default=True)

    objects = BodyQuerySet.as_manager()

    class Meta:
        verbose_name = "instance"
        ordering = ["kind", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["epci", "name"], name="uniq_body_name")]

    def __str__(self):
        return self.name


class MembershipQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(start_date__lte=on).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on)
        )


class Membership(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Président(e)"
        VICE_CHAIR = "vice_chair", "Vice-président(e)"
        MEMBER = "member", "Membre titulaire"
        SUBSTITUTE = "substitute", "Membre suppléant"
        STAFF = "staff", "Agent référent"
        GUEST = "guest", "Invité permanent"

    class DesignatedBy(models.TextChoices):
        EX_OFFICIO = "ex_officio", "De droit"
        COUNCIL = "council", "Élu par le conseil communautaire"
        MUNICIPAL_COUNCIL = "municipal_council", "Désigné par le conseil municipal"
        MAYOR = "mayor", "Désigné par le maire"
        PRESIDENT = "president", "Désigné par le président"

    VOTING_ROLES = (Role.CHAIR, Role.VICE_CHAIR, Role.MEMBER)

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("rôle", max_length=12, choices=Role.choices, default=Role.MEMBER)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name="commune représentée",
    )
    designated_by = models.CharField(
        "désignation", max_length=20, choices=DesignatedBy.choices, default=DesignatedBy.EX_OFFICIO
    )
    substitute_for = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="substitutes",
        verbose_name="suppléant de",
    )
    start_date = models.DateField("début")
    end_date = models.DateField("fin", null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "appartenance"
        ordering = ["body", "role", "person__last_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.body} ({self.get_role_display()})"


class UserManager(DjangoUserManager):
    """Accounts are identified by their email address (there is no username)."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", "secretariat")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """An account. Login is by email; people are invited, never sign up."""

    class Role(models.TextChoices):
        SECRETARIAT = "secretariat", "Secrétariat de l'EPCI"
        AGENT = "agent", "Agent de l'EPCI"
        ELECTED = "elected", "Élu(e)"
        DGS = "dgs", "DGS / secrétaire de mairie"

    username = None
    email = models.EmailField("courriel", unique=True)
    role = models.CharField("rôle", max_length=12, choices=Role.choices, default=Role.ELECTED)
    epci = models.ForeignKey(
        EPCI, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    person = models.OneToOneField(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="user"
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_users",
        help_text="Pour un DGS : la commune pour laquelle il agit.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = "compte"
        ordering = ["email", "pk"]

    def __str__(self):
        return self.get_full_name() or self.email


class AuditEventQuerySet(models.QuerySet):
    """Rows of the log are written once: no bulk update or delete through the ORM either."""

    def update(self, **kwargs):
        raise ValueError("Le journal d'audit est en ajout seul.")

    def delete(self):
        raise ValueError("Le journal d'audit est en ajout seul.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise ValueError("Le journal d'audit est en ajout seul.")

    def legal_log_for(self, user):
        """The events a secretariat account may read: its EPCI's (a superuser: all), newest
        first, with the actor in the same query (the audit log page and its CSV export)."""
        if user.is_superuser:
            events = self
        else:
            events = self.filter(epci_id=user.epci_id) if user.epci_id else self.none()
        return events.select_related("actor").order_by("-at", "-pk")


class AuditEvent(models.Model):
    """Append-only log of what was done, by whom, when (never updated, never deleted)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # An EPCI with a legal history cannot be deleted; a deleted account leaves its events, with
    # no actor (the only change the database triggers of migration 0003 let through).
    epci = models.ForeignKey(
        EPCI, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "événement du journal"
        verbose_name_plural = "journal d'audit"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Le journal d'audit est en ajout seul.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Le journal d'audit est en ajout seul.")


class ImportRun(models.Model):
    """One import of an official file, run in the background with visible progress."""

    class Kind(models.TextChoices):
        AUTO = "auto", "Détection automatique"
        COG = "cog", "INSEE — COG communes"
        POPULATIONS = "populations", "INSEE — populations légales"
        EPCI_COMPOSITION = "epcicom", "DGCL — composition des EPCI"
        RNE = "rne", "RNE — répertoire national des élus"

    class Status(models.TextChoices):
        QUEUED = "queued", "En file d'attente"
        RUNNING = "running", "En cours"
        DONE = "done", "Terminé"
        REJECTED = "rejected", "Rejeté"

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="import_runs")
    kind = models.CharField(
        "type de fichier", max_length=12, choices=Kind.choices, default=Kind.AUTO
    )
    detected_kind = models.CharField("type détecté", max_length=40, blank=True)
    file = models.FileField("fichier", upload_to="imports/%Y/%m/")
    original_name = models.CharField("nom du fichier", max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField("erreur", blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "import de fichier"
        verbose_name_plural = "imports de fichiers"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status in (self.Status.DONE, self.Status.REJECTED) else 0
        return min(100, round(100 * self.rows_done / self.rows_total))


# The feature packages of governance keep their models beside their code; Django finds them
# through this module.
from governance.seats.models import CouncilOrder  # noqa: E402, F401
