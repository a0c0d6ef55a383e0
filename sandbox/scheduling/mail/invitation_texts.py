"""Every sentence of the invitation emails (to the interpreter and the third person),
in Greek and English; the same keys in each, `{name}` placeholders filled with
`str.format`. Nothing here names the citizen or the procedure: an invitee learns
when, where and how to join, not why the citizen is calling."""

from __future__ import annotations

INVITATION_TEXTS: dict[str, dict[str, str]] = {
    "el": {
        "subject_invitation": "Πρόσκληση σε βιντεοκλήση με ΚΕΠ",
        "subject_invitation_updated": "Νέα ώρα για τη βιντεοκλήση με ΚΕΠ",
        "subject_invitation_withdrawn": "Η πρόσκληση στη βιντεοκλήση με ΚΕΠ ανακλήθηκε",
        "heading_invitation": "Πρόσκληση σε βιντεοκλήση με ΚΕΠ",
        "heading_invitation_updated": "Η βιντεοκλήση άλλαξε ώρα",
        "heading_invitation_withdrawn": "Η πρόσκλησή σας ανακλήθηκε",
        "greeting": "Γεια σας, {name},",
        "intro_invitation_interpreter": (
            "Σας ορίσαμε διερμηνέα Ελληνικής Νοηματικής Γλώσσας σε βιντεοκλήση πολίτη με ΚΕΠ."
        ),
        "intro_invitation_third_person": (
            "Ένας πολίτης σάς όρισε ως το τρίτο πρόσωπο που θα είναι μαζί του στη βιντεοκλήση του με ΚΕΠ."
        ),
        "intro_invitation_updated": (
            "Η βιντεοκλήση στην οποία σας προσκαλέσαμε μεταφέρθηκε. "
            "Η νέα ημέρα και ώρα: {when}. Ο σύνδεσμός σας μένει ο ίδιος."
        ),
        "intro_withdrawn_cancelled": (
            "Η βιντεοκλήση στην οποία σας προσκαλέσαμε ακυρώθηκε, οπότε η πρόσκλησή σας ανακλήθηκε."
        ),
        "intro_withdrawn_changed": (
            "Η βιντεοκλήση στην οποία σας προσκαλέσαμε άλλαξε και η συμμετοχή σας δεν χρειάζεται πια, "
            "οπότε η πρόσκλησή σας ανακλήθηκε."
        ),
        "withdrawn_link": "Ο σύνδεσμός σας δεν ισχύει πια. Δεν χρειάζεται να κάνετε τίποτα.",
        "details_heading": "Στοιχεία βιντεοκλήσης",
        "label_reference": "Αριθμός ραντεβού",
        "label_when": "Ημέρα και ώρα",
        "label_kep": "ΚΕΠ",
        "join_heading": "Ο σύνδεσμός σας",
        "join_link": "Ανοίξτε την πρόσκλησή σας",
        "join_confirm": "Ανοίξτε τον σύνδεσμο για να επιβεβαιώσετε ότι θα συμμετάσχετε.",
        "join_one_device": (
            "Ο σύνδεσμος είναι μόνο για εσάς και ανοίγει σε μία συσκευή: σε αυτή στην οποία "
            "θα τον ανοίξετε πρώτη φορά. Μην τον προωθήσετε."
        ),
        "join_no_taxisnet": "Δεν χρειάζεστε κωδικούς Taxisnet.",
        "join_expires": "Ο σύνδεσμος ισχύει έως το τέλος της βιντεοκλήσης.",
        "join_not_recorded": "Η βιντεοκλήση δεν καταγράφεται ποτέ.",
        "calendar_note": (
            "Στο συνημμένο αρχείο {filename} θα βρείτε τη βιντεοκλήση, "
            "για να την προσθέσετε στο ημερολόγιό σας."
        ),
        "calendar_note_withdrawn": "Το συνημμένο αρχείο {filename} την αφαιρεί από το ημερολόγιό σας.",
        "automatic": "Το μήνυμα αυτό στάλθηκε αυτόματα από το myKEPlive.",
        "ics_summary": "Βιντεοκλήση με ΚΕΠ ({reference})",
        "ics_withdrawn": "Η πρόσκληση ανακλήθηκε.",
        "ics_alarm": "Σε 15 λεπτά: βιντεοκλήση με ΚΕΠ",
    },
    "en": {
        "subject_invitation": "Invitation to a video call with a KEP",
        "subject_invitation_updated": "New time for the video call with a KEP",
        "subject_invitation_withdrawn": "Invitation to the video call with a KEP withdrawn",
        "heading_invitation": "Invitation to a video call with a KEP",
        "heading_invitation_updated": "The video call has a new time",
        "heading_invitation_withdrawn": "Your invitation has been withdrawn",
        "greeting": "Hello {name},",
        "intro_invitation_interpreter": (
            "You are the Greek Sign Language interpreter for a citizen's video call with a KEP."
        ),
        "intro_invitation_third_person": (
            "A citizen has named you as the third person who will be with them in their video call with a KEP."
        ),
        "intro_invitation_updated": (
            "The video call you were invited to has moved. "
            "The new date and time: {when}. Your link stays the same."
        ),
        "intro_withdrawn_cancelled": (
            "The video call you were invited to has been cancelled, so your invitation has been withdrawn."
        ),
        "intro_withdrawn_changed": (
            "The video call you were invited to has changed and you are no longer needed in it, "
            "so your invitation has been withdrawn."
        ),
        "withdrawn_link": "Your link no longer works. You do not need to do anything.",
        "details_heading": "About the call",
        "label_reference": "Reference",
        "label_when": "Date and time",
        "label_kep": "KEP",
        "join_heading": "Your link",
        "join_link": "Open your invitation",
        "join_confirm": "Open the link to confirm that you will take part.",
        "join_one_device": (
            "The link is for you alone and opens on one device: the one you first open it on. "
            "Please do not forward it."
        ),
        "join_no_taxisnet": "You do not need a Taxisnet account.",
        "join_expires": "The link works until the end of the call.",
        "join_not_recorded": "The call is never recorded.",
        "calendar_note": "The attached file {filename} adds the call to your calendar.",
        "calendar_note_withdrawn": "The attached file {filename} removes it from your calendar.",
        "automatic": "This message was sent automatically by myKEPlive.",
        "ics_summary": "Video call with a KEP ({reference})",
        "ics_withdrawn": "The invitation has been withdrawn.",
        "ics_alarm": "In 15 minutes: video call with KEP",
    },
}


def languages_for(booking: dict) -> tuple[str, ...]:
    """Greek always (the service's language); English after it when the citizen chose English."""
    return ("el", "en") if booking.get("language") == "en" else ("el",)
