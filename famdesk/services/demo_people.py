"""The people of the demo town: staff accounts, families and their children."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from famdesk.models.enums import Role

DEMOVILLE = "Mairie de Démoville"
TILLEULS = "Centre social des Tilleuls"
JULES_FERRY = "École élémentaire Jules-Ferry"
COQUELICOTS = "École maternelle Les Coquelicots"
JEAN_MOULIN = "École élémentaire Jean-Moulin"

# A pupil enters CP in the calendar year of their sixth birthday.
CLASS_AGE = {"PS": 3, "MS": 4, "GS": 5, "CP": 6, "CE1": 7, "CE2": 8, "CM1": 9, "CM2": 10}

# (login, role, display name, e-mail): they see both structures
ACCOUNTS: tuple[tuple[str, Role, str, str], ...] = (
    ("admin", Role.ADMIN, "Nathalie ROUSSEL (responsable enfance)", "enfance@example.org"),
    ("accueil", Role.STAFF, "Accueil de la mairie", "accueil@example.org"),
)


@dataclass(frozen=True)
class ChildSpec:
    first_name: str
    class_name: str
    birthday: tuple[int, int]
    """(month, day) of birth; the year follows from the class and the school year."""
    school: str
    activities: dict[str, tuple[str, ...]]
    """Structure name -> labels of the activities the child is registered to there."""

    def birth_date(self, rentree_year: int) -> date:
        return date(rentree_year - CLASS_AGE[self.class_name], *self.birthday)


@dataclass(frozen=True)
class FamilySpec:
    login: str
    civility: str
    last_name: str
    first_name: str
    email: str
    phone: str
    address: str
    quotient: int
    new_quotient: int | None
    """The quotient from 1 January, after the CAF's recalculation (None: no change)."""
    children: tuple[ChildSpec, ...]
    structures: tuple[str, ...] = field(default=(DEMOVILLE,))
    """The structures where the account holds a family (one household in each)."""


FAMILIES: tuple[FamilySpec, ...] = (
    FamilySpec(
        login="martin",
        civility="M.",
        last_name="Martin",
        first_name="Hugo",
        email="martin@example.org",
        phone="06 12 34 56 78",
        address="12 rue des Écoles, Démoville",
        quotient=620,
        new_quotient=480,
        children=(
            ChildSpec("Léa", "CM2", (3, 14), JULES_FERRY, {
                DEMOVILLE: ("APS MATIN", "APS SOIR", "RESTAURATION", "ALSH MERCREDI", "ALSH VACANCES"),
            }),
            ChildSpec("Tom", "CE1", (6, 2), JULES_FERRY, {
                DEMOVILLE: ("APS SOIR", "RESTAURATION", "ALSH MERCREDI", "ALSH VACANCES"),
            }),
            ChildSpec("Inès", "MS", (11, 23), COQUELICOTS, {
                DEMOVILLE: ("APS MATIN", "RESTAURATION", "ALSH VACANCES"),
            }),
        ),
    ),
    FamilySpec(
        login="dubois",
        civility="Mme",
        last_name="Dubois",
        first_name="Camille",
        email="dubois@example.org",
        phone="06 98 76 54 32",
        address="4 allée des Tilleuls, Démoville",
        quotient=910,
        new_quotient=None,
        structures=(DEMOVILLE, TILLEULS),
        children=(
            ChildSpec("Nathan", "CE2", (9, 30), JULES_FERRY, {
                DEMOVILLE: ("APS SOIR", "RESTAURATION"),
                TILLEULS: ("ALSH MERCREDI", "ACCOMPAGNEMENT SCOLAIRE"),
            }),
        ),
    ),
    FamilySpec(
        login="petit",
        civility="M.",
        last_name="Petit",
        first_name="Karim",
        email="petit@example.org",
        phone="07 45 12 88 03",
        address="27 avenue de la Gare, Démoville",
        quotient=380,
        new_quotient=None,
        children=(
            ChildSpec("Jade", "CM1", (1, 8), JULES_FERRY, {
                DEMOVILLE: ("RESTAURATION", "ALSH MERCREDI"),
            }),
            ChildSpec("Adam", "GS", (7, 19), COQUELICOTS, {
                DEMOVILLE: ("APS MATIN", "APS SOIR", "RESTAURATION"),
            }),
        ),
    ),
    FamilySpec(
        login="leroy",
        civility="Mme",
        last_name="Leroy",
        first_name="Sophie",
        email="leroy@example.org",
        phone="06 33 21 47 90",
        address="3 place du Marché, Démoville",
        quotient=540,
        new_quotient=None,
        structures=(TILLEULS,),
        children=(
            ChildSpec("Manon", "CE2", (5, 5), JEAN_MOULIN, {
                TILLEULS: ("ALSH MERCREDI", "ACCOMPAGNEMENT SCOLAIRE"),
            }),
        ),
    ),
)
