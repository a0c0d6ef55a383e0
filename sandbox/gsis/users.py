"""The sandbox's Taxisnet test users: one per case the frontend must handle.

GSIS answers the attributes below, and only these, in its userinfo XML. Names
are in unaccented capitals, as GSIS keeps them. Values are given exactly as
GSIS would send them: two users carry GSIS's known quirks on purpose (extra
leading zeros in the ΑΦΜ; spaces around every value), and the real service has
been seen padding with trailing spaces too (`taxid="660074100   "`).

Fields that GSIS does not return (`represents`, `needs`) are kept here for the
tests of the journey: what the citizen will declare or choose in the frontend.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup
from stdnum.gr import vat

#: The password of every test user.
PASSWORD = "kepweb-sandbox"

#: The attributes of <userinfo>, in GSIS's order.
USERINFO_ATTRIBUTES = ("userid", "taxid", "lastname", "firstname", "fathername", "mothername", "birthyear")


@dataclass(frozen=True)
class TestUser:
    """A Taxisnet account of the sandbox.

    `userinfo` holds the attribute values exactly as sent (padding included).
    `userinfo_error`, when set, is the JSON that userinfo answers instead of
    the XML, with `userinfo_error_status`: a hook for the frontend's tests.
    """

    __test__ = False  # not a pytest test class, whatever its name

    username: str
    userinfo: dict[str, str]
    case_el: str
    case_en: str
    represents: dict[str, str] | None = None
    needs: tuple[str, ...] = ()
    userinfo_error: dict[str, str] | None = None
    userinfo_error_status: int = 200
    password: str = field(default=PASSWORD, repr=False)

    def get_user_id(self) -> str:  # Authlib's user interface
        return self.username

    @property
    def taxid(self) -> str:
        return self.userinfo["taxid"]

    @property
    def full_name(self) -> str:
        return f"{self.userinfo['lastname'].strip()} {self.userinfo['firstname'].strip()}"


def _userinfo(userid, taxid, lastname, firstname, fathername, mothername, birthyear) -> dict[str, str]:
    values = dict(zip(USERINFO_ATTRIBUTES, (userid, taxid, lastname, firstname, fathername, mothername, birthyear),
                      strict=True))
    assert all(isinstance(value, str) for value in values.values())
    return values


TEST_USERS: list[TestUser] = [
    TestUser(
        username="maria",
        userinfo=_userinfo("User094014201", "094014201", "ΠΑΠΑΔΟΠΟΥΛΟΥ", "ΜΑΡΙΑ", "ΙΩΑΝΝΗΣ", "ΑΙΚΑΤΕΡΙΝΗ", "1984"),
        case_el="Πολίτης: η συνηθισμένη περίπτωση.",
        case_en="A citizen: the usual case.",
    ),
    TestUser(
        username="giorgos",
        userinfo=_userinfo("User135792468", "135792468", "ΑΝΤΩΝΙΟΥ", "ΓΕΩΡΓΙΟΣ", "ΔΗΜΗΤΡΙΟΣ", "ΣΟΦΙΑ", "1972"),
        case_el="Πολίτης με αναπηρία (κώφωση): θα δηλώσει διερμηνεία στην Ελληνική Νοηματική Γλώσσα.",
        case_en="A citizen with a disability (deaf): will declare Greek Sign Language interpreting.",
        needs=("greek-sign-language",),
    ),
    TestUser(
        username="nikos",
        userinfo=_userinfo("User123456783", "123456783", "ΝΙΚΟΛΑΟΥ", "ΝΙΚΟΛΑΟΣ", "ΚΩΝΣΤΑΝΤΙΝΟΣ", "ΒΑΣΙΛΙΚΗ", "1968"),
        case_el="Νόμιμος εκπρόσωπος επιχείρησης (ΝΙΚΟΛΑΟΥ ΤΡΟΦΙΜΑ Α.Ε., ΑΦΜ 800123456). Το GSIS δεν την επιστρέφει.",
        case_en=Markup('Legal representative of a business (<span lang="el">ΝΙΚΟΛΑΟΥ ΤΡΟΦΙΜΑ Α.Ε.</span>, tax number '
                       '(<span lang="el">ΑΦΜ</span>) 800123456). GSIS does not return it.'),
        represents={"taxid": "800123456", "name": "ΝΙΚΟΛΑΟΥ ΤΡΟΦΙΜΑ Α.Ε.", "role": "legal-representative"},
    ),
    TestUser(
        username="kostas",
        userinfo=_userinfo("User090000045", "00090000045", "ΚΩΝΣΤΑΝΤΙΝΙΔΗΣ", "ΚΩΝΣΤΑΝΤΙΝΟΣ", "ΑΘΑΝΑΣΙΟΣ", "ΕΙΡΗΝΗ",
                           "1991"),
        case_el="Το ΑΦΜ έρχεται με επιπλέον μηδενικά μπροστά (11 χαρακτήρες): είναι το 090000045.",
        case_en=Markup('The tax number (<span lang="el">ΑΦΜ</span>) comes with extra leading zeros (11 characters): '
                       'it is 090000045.'),
    ),
    TestUser(
        username="eleni",
        userinfo=_userinfo("  User998877666 ", "  998877666 ", " ΠΑΠΑΔΟΠΟΥΛΟΥ  ", " ΕΛΕΝΗ ", " ΠΕΤΡΟΣ  ", "  ΑΝΝΑ ",
                           " 1990 "),
        case_el="Κάθε τιμή έρχεται με κενά γύρω της (ΑΦΜ 998877666).",
        case_en=Markup('Every value comes with spaces around it (tax number 998877666).'),
    ),
    TestUser(
        username="invalid",
        userinfo=_userinfo("User123456789", "123456789", "ΔΟΚΙΜΑΣΤΙΚΟΣ", "ΑΚΥΡΟΣ", "ΠΑΥΛΟΣ", "ΜΑΡΘΑ", "1980"),
        case_el="ΑΦΜ με λάθος ψηφίο ελέγχου: το myKEPlive πρέπει να το αρνηθεί.",
        case_en=Markup('A tax number (<span lang="el">ΑΦΜ</span>) with a wrong check digit: myKEPlive must refuse it.'),
    ),
    TestUser(
        username="broken",
        userinfo=_userinfo("User162837496", "162837496", "ΣΠΑΣΜΕΝΟΣ", "ΧΡΗΣΤΟΣ", "ΜΙΧΑΗΛ", "ΕΥΑΓΓΕΛΙΑ", "1977"),
        case_el="Η σύνδεση πετυχαίνει, αλλά τα στοιχεία (userinfo) απαντούν πάντα σφάλμα JSON.",
        case_en="Sign-in succeeds, but userinfo always answers a JSON error.",
        userinfo_error={
            "error": "server_error",
            "error_description": "Sandbox test hook: userinfo is not available for this user.",
        },
    ),
]

USERS_BY_NAME: dict[str, TestUser] = {user.username: user for user in TEST_USERS}


# Load tests sign in hundreds of citizens, each with an ΑΦΜ of their own (the frontend's budgets and the
# API's rules are per citizen): `citizen-<ΑΦΜ>`, for any ΑΦΜ whose check digit is right, is a plain
# citizen of the sandbox with the same password. Never a real person's data: the names say what it is.
NUMBERED_CITIZEN = re.compile(r"citizen-(\d{9})")


def numbered_citizen(username: str) -> TestUser | None:
    match = NUMBERED_CITIZEN.fullmatch(username)
    if match is None or not vat.is_valid(match.group(1)):
        return None
    tax_id = match.group(1)
    return TestUser(
        username=username,
        userinfo=_userinfo(f"User{tax_id}", tax_id, "ΔΟΚΙΜΑΣΤΙΚΟΣ", "ΠΟΛΙΤΗΣ", "ΠΑΤΕΡΑΣ", "ΜΗΤΕΡΑ", "1980"),
        case_el="Πολίτης για δοκιμές φόρτου: citizen-<ΑΦΜ>, για κάθε έγκυρο ΑΦΜ.",
        case_en="A citizen for load tests: citizen-<ΑΦΜ>, for any valid ΑΦΜ.",
    )


def user_named(username: str) -> TestUser | None:
    """A test user by username: one of TEST_USERS, or a numbered citizen."""
    return USERS_BY_NAME.get(username) or numbered_citizen(username)
