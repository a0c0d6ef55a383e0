"""The staff sign-in stand-in's test accounts: fictional public servants, one per case.

The provider knows only who a person is (`sub`, `name`, `email`); what they may
do is the scheduling API's business (its `staff` registry, keyed by the same
`sub`, seeded in sandbox/scheduling/data/staff.json). `role_el`/`role_en` and
`case_*` are only for the table of test accounts on the sign-in page.

A subject is opaque and never changes (an email or a name may); the registry
keeps it, never the password.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The password of every test account.
PASSWORD = "kepweb-staff-sandbox"


@dataclass(frozen=True)
class StaffAccount:
    __test__ = False  # not a pytest test class

    username: str
    sub: str
    name: str
    email: str
    case_el: str
    case_en: str
    password: str = field(default=PASSWORD, repr=False)

    def get_user_id(self) -> str:  # Authlib's user interface
        return self.sub


ACCOUNTS: list[StaffAccount] = [
    StaffAccount(
        username="chania-employee",
        sub="aa854b1d-fd6a-481c-9ef6-6f4cd910794e",
        name="Ελένη Μαρκάκη",
        email="e.markaki@kep-chania.example",
        case_el="Υπάλληλος του ΚΕΠ Δήμου Χανίων (υπάλληλος kep-chania-1-e1): βλέπει τα ραντεβού που της ανατέθηκαν.",
        case_en="Employee of the KEP of the Municipality of Chania (employee kep-chania-1-e1): sees the "
                "appointments given to her.",
    ),
    StaffAccount(
        username="chania-head",
        sub="7d7e0baa-5fcc-4319-a165-18b15cd1e2e8",
        name="Μανώλης Σηφάκης",
        email="m.sifakis@kep-chania.example",
        case_el="Προϊστάμενος του ΚΕΠ Δήμου Χανίων: βλέπει όλα τα ραντεβού του ΚΕΠ του.",
        case_en="Head of the KEP of the Municipality of Chania: sees every appointment of his KEP.",
    ),
    StaffAccount(
        username="rhodes-employee",
        sub="a92a950f-9ca5-480b-8db2-b44ed0bad2d5",
        name="Γιάννης Χατζηδάκης",
        email="g.chatzidakis@kep-rhodes.example",
        case_el="Υπάλληλος του ΚΕΠ Δήμου Ρόδου (υπάλληλος kep-rhodes-1-e1): άλλο ΚΕΠ, δεν βλέπει τίποτα των Χανίων.",
        case_en="Employee of the KEP of the Municipality of Rhodes (employee kep-rhodes-1-e1): another KEP, "
                "sees nothing of Chania's.",
    ),
    StaffAccount(
        username="ministry-admin",
        sub="3ed9731f-f1d9-4357-8415-7708e348fadb",
        name="Κατερίνα Βλάχου",
        email="k.vlachou@mindigital.example",
        case_el="Διαχειρίστρια του Υπουργείου (άρθρο 3.5): βλέπει όλα τα ραντεβού όλων των ΚΕΠ.",
        case_en="Administrator at the Ministry (article 3.5): sees every appointment of every KEP.",
    ),
    StaffAccount(
        username="no-role",
        sub="b4e4f26f-bea6-4efe-b908-5b85fa7d9c19",
        name="Πέτρος Αλεξίου",
        email="p.alexiou@kep-chania.example",
        case_el="Δημόσιος υπάλληλος χωρίς ρόλο στο myKEPlive: η σύνδεση πετυχαίνει εδώ, αλλά το myKEPlive πρέπει να "
                "τον αρνηθεί.",
        case_en="A public servant with no role in myKEPlive: sign-in succeeds here, but myKEPlive must refuse him.",
    ),
]

ACCOUNTS_BY_NAME: dict[str, StaffAccount] = {account.username: account for account in ACCOUNTS}
ACCOUNTS_BY_SUB: dict[str, StaffAccount] = {account.sub: account for account in ACCOUNTS}
