"""Every sentence of the booking emails and calendar files, in Greek and English.

One dict per language with the same keys; `{name}` placeholders are filled with
`str.format` before the text reaches a template (the HTML template escapes it).
The Greek addresses the citizen in the polite plural.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "el": {
        # Subjects
        "subject_confirmed": "Επιβεβαίωση ραντεβού {reference} – myKEPlive",
        "subject_rescheduled": "Αλλαγή ώρας ραντεβού {reference} – myKEPlive",
        "subject_cancelled": "Ακύρωση ραντεβού {reference} – myKEPlive",
        "subject_reminder": "Υπενθύμιση: το ραντεβού σας {reference} είναι {when} – myKEPlive",
        # When, relative to the day the reminder is sent
        "when_today": "σήμερα στις {time}",
        "when_tomorrow": "αύριο στις {time}",
        "when_other_day": "{article} {date} στις {time}",  # «τη Δευτέρα», «την Τρίτη»
        # Headings and opening lines
        "heading_confirmed": "Το ραντεβού σας επιβεβαιώθηκε",
        "heading_rescheduled": "Το ραντεβού σας άλλαξε",
        "heading_cancelled": "Το ραντεβού σας ακυρώθηκε",
        "heading_reminder": "Υπενθύμιση ραντεβού",
        "greeting": "Γεια σας, {name},",
        "intro_confirmed": "Το ραντεβού σας για βιντεοκλήση με το ΚΕΠ επιβεβαιώθηκε.",
        "intro_rescheduled": (
            "Το ραντεβού σας για βιντεοκλήση με το ΚΕΠ άλλαξε. "
            "Η νέα ημέρα και ώρα: {when_full}."
        ),
        "intro_cancelled": "Το ραντεβού σας για βιντεοκλήση με το ΚΕΠ ακυρώθηκε.",
        "intro_reminder": "Σας υπενθυμίζουμε ότι έχετε βιντεοκλήση με το ΚΕΠ {when}.",
        "subject_moved_by_kep": "Το ΚΕΠ μετέφερε το ραντεβού σας {reference} – myKEPlive",
        "heading_moved_by_kep": "Το ΚΕΠ μετέφερε το ραντεβού σας",
        "intro_moved_by_kep": (
            "Το ΚΕΠ είναι κλειστό την ημέρα του ραντεβού σας, οπότε το μεταφέραμε στην πρώτη ελεύθερη ώρα: "
            "{when_full}. Αν δεν σας βολεύει, επιλέξτε άλλη ώρα με τον σύνδεσμο «Αλλάξτε την ημέρα ή την ώρα»."
        ),
        "subject_cancelled_by_kep": "Το ΚΕΠ ακύρωσε το ραντεβού σας {reference} – myKEPlive",
        "heading_cancelled_by_kep": "Το ΚΕΠ ακύρωσε το ραντεβού σας",
        "intro_cancelled_by_kep": (
            "Το ΚΕΠ είναι κλειστό την ημέρα του ραντεβού σας και δεν βρήκαμε άλλη ελεύθερη ώρα τις επόμενες ημέρες, "
            "οπότε το ραντεβού ακυρώθηκε. Επιλέξτε νέα ώρα με τον σύνδεσμο «Κλείστε νέο ραντεβού»."
        ),
        "subject_moved_by_kep_change": "Το ΚΕΠ μετέφερε το ραντεβού σας {reference} – myKEPlive",
        "heading_moved_by_kep_change": "Το ΚΕΠ μετέφερε το ραντεβού σας",
        "intro_moved_by_kep_change": (
            "Το ΚΕΠ δεν μπορεί πια να σας εξυπηρετήσει την ώρα του ραντεβού σας, οπότε το μεταφέραμε στην πρώτη "
            "ελεύθερη ώρα: {when_full}. Αν δεν σας βολεύει, επιλέξτε άλλη ώρα με τον σύνδεσμο «Αλλάξτε την ημέρα ή "
            "την ώρα»."
        ),
        "subject_cancelled_by_kep_change": "Το ΚΕΠ ακύρωσε το ραντεβού σας {reference} – myKEPlive",
        "heading_cancelled_by_kep_change": "Το ΚΕΠ ακύρωσε το ραντεβού σας",
        "intro_cancelled_by_kep_change": (
            "Το ΚΕΠ δεν μπορεί πια να σας εξυπηρετήσει την ώρα του ραντεβού σας και δεν βρήκαμε άλλη ελεύθερη ώρα "
            "τις επόμενες ημέρες, οπότε το ραντεβού ακυρώθηκε. Επιλέξτε νέα ώρα με τον σύνδεσμο «Κλείστε νέο ραντεβού»."
        ),
        # Appointment details
        "details_heading": "Στοιχεία ραντεβού",
        "label_reference": "Αριθμός ραντεβού",
        "label_when": "Ημέρα και ώρα",
        "when_value": "{date}, {start}–{end} (ώρα Ελλάδας)",
        "label_kep": "ΚΕΠ",
        "label_phone": "Τηλέφωνο",
        "label_procedure": "Διαδικασία",
        "label_category": "Κατηγορία",
        "label_needs": "Ανάγκες επικοινωνίας που δηλώσατε",
        "need_sign_language": "Διερμηνέας Ελληνικής Νοηματικής Γλώσσας",
        "need_lip_reading": "Χειλεανάγνωση",
        "need_text_chat": "Γραπτή συνομιλία ή υπότιτλοι",
        "need_third_person": "Τρίτο πρόσωπο",
        "need_third_person_named": "Τρίτο πρόσωπο: {name}",
        "need_other": "Άλλο: {text}",
        "need_none": "Καμία",
        "label_delivery": "Παραλαβή αποτελέσματος",
        "delivery_email": "Θα λάβετε το αποτέλεσμα με email, στη διεύθυνση {email}.",
        "delivery_post": "Θα λάβετε το αποτέλεσμα ταχυδρομικά.",
        "delivery_pickup": (
            "Θα παραλάβετε το αποτέλεσμα από το ΚΕΠ, στη διεύθυνση {kep_address}."
        ),
        # Joining the call
        "join_heading": "Πώς θα συνδεθείτε",
        "join_link": "Σύνδεση στη βιντεοκλήση",
        "join_early": "Μπορείτε να συνδεθείτε από 15 λεπτά πριν από την έναρξη.",
        "join_identity": (
            "Να έχετε έτοιμο το έγγραφο ταυτοποίησης που δηλώσατε (ταυτότητα, διαβατήριο, άδεια διαμονής "
            "ή άλλο), για να το δείξετε στην κάμερα."
        ),
        "join_not_recorded": "Η βιντεοκλήση δεν καταγράφεται ποτέ.",
        # Managing the appointment
        "manage_heading": "Διαχείριση ραντεβού",
        "manage_view": "Δείτε το ραντεβού σας",
        "manage_reschedule": "Αλλάξτε την ημέρα ή την ώρα",
        "manage_cancel": "Ακυρώστε το ραντεβού",
        "book_again_heading": "Νέο ραντεβού",
        "book_again_intro": "Αν χρειάζεστε ακόμη την υπηρεσία, μπορείτε να κλείσετε νέο ραντεβού.",
        "book_again_link": "Κλείστε νέο ραντεβού",
        # Calendar attachment and footer
        "calendar_note": (
            "Στο συνημμένο αρχείο {filename} θα βρείτε το ραντεβού, "
            "για να το προσθέσετε στο ημερολόγιό σας."
        ),
        "calendar_note_cancelled": (
            "Το συνημμένο αρχείο {filename} ενημερώνει το ημερολόγιό σας για την ακύρωση."
        ),
        # Email first; those who declared a hearing need get the email only, never a phone.
        "questions": "Για οποιαδήποτε απορία, γράψτε μας στο {email} ή καλέστε το ΚΕΠ στο {phone}.",
        "questions_written": "Για οποιαδήποτε απορία, γράψτε μας στο {email}.",
        "automatic": "Το μήνυμα αυτό στάλθηκε αυτόματα από το myKEPlive.",
        # Calendar file
        "ics_summary": "Βιντεοκλήση με ΚΕΠ: {procedure}",
        "ics_cancelled": "Το ραντεβού ακυρώθηκε.",
        "ics_alarm": "Σε 15 λεπτά: βιντεοκλήση με ΚΕΠ",
    },
    "en": {
        "subject_confirmed": "Appointment {reference} confirmed – myKEPlive",
        "subject_rescheduled": "New time for appointment {reference} – myKEPlive",
        "subject_cancelled": "Appointment {reference} cancelled – myKEPlive",
        "subject_reminder": "Reminder: your appointment {reference} is {when} – myKEPlive",
        "when_today": "today at {time}",
        "when_tomorrow": "tomorrow at {time}",
        "when_other_day": "on {date} at {time}",
        "heading_confirmed": "Your appointment is confirmed",
        "heading_rescheduled": "Your appointment has changed",
        "heading_cancelled": "Your appointment has been cancelled",
        "heading_reminder": "Appointment reminder",
        "greeting": "Hello {name},",
        "intro_confirmed": "Your video call appointment with the KEP is confirmed.",
        "intro_rescheduled": (
            "Your video call appointment with the KEP has changed. "
            "The new date and time: {when_full}."
        ),
        "intro_cancelled": "Your video call appointment with the KEP has been cancelled.",
        "intro_reminder": "This is a reminder that you have a video call with the KEP {when}.",
        "subject_moved_by_kep": "The KEP moved your appointment {reference} – myKEPlive",
        "heading_moved_by_kep": "The KEP moved your appointment",
        "intro_moved_by_kep": (
            "The KEP is closed on the day of your appointment, so we moved it to the first free time: {when_full}. "
            "If it does not suit you, choose another time with the link “Change the date or time”."
        ),
        "subject_cancelled_by_kep": "The KEP cancelled your appointment {reference} – myKEPlive",
        "heading_cancelled_by_kep": "The KEP cancelled your appointment",
        "intro_cancelled_by_kep": (
            "The KEP is closed on the day of your appointment and we found no other free time in the days ahead, "
            "so the appointment is cancelled. Choose a new time with the link “Book a new appointment”."
        ),
        "subject_moved_by_kep_change": "The KEP moved your appointment {reference} – myKEPlive",
        "heading_moved_by_kep_change": "The KEP moved your appointment",
        "intro_moved_by_kep_change": (
            "The KEP can no longer serve you at the time of your appointment, so we moved it to the first free time: "
            "{when_full}. If it does not suit you, choose another time with the link “Change the date or time”."
        ),
        "subject_cancelled_by_kep_change": "The KEP cancelled your appointment {reference} – myKEPlive",
        "heading_cancelled_by_kep_change": "The KEP cancelled your appointment",
        "intro_cancelled_by_kep_change": (
            "The KEP can no longer serve you at the time of your appointment and we found no other free time in the "
            "days ahead, so the appointment is cancelled. Choose a new time with the link “Book a new appointment”."
        ),
        "details_heading": "Appointment details",
        "label_reference": "Reference",
        "label_when": "Date and time",
        "when_value": "{date}, {start}–{end} (Greek time)",
        "label_kep": "KEP",
        "label_phone": "Phone",
        "label_procedure": "Procedure",
        "label_category": "Category",
        "label_needs": "Communication needs you told us about",
        "need_sign_language": "Greek Sign Language interpreter",
        "need_lip_reading": "Lip-reading",
        "need_text_chat": "Text chat or captions",
        "need_third_person": "A third person",
        "need_third_person_named": "A third person: {name}",
        "need_other": "Other: {text}",
        "need_none": "None",
        "label_delivery": "How you will get the result",
        "delivery_email": "You will receive the result by email, at {email}.",
        "delivery_post": "You will receive the result by post.",
        "delivery_pickup": "You will collect the result from the KEP, at {kep_address}.",
        "join_heading": "How to join",
        "join_link": "Join the video call",
        "join_early": "You can join from 15 minutes before the start.",
        "join_identity": (
            "Have ready the identity document you chose when booking (identity card, passport, "
            "residence permit or another one), to show to the camera."
        ),
        "join_not_recorded": "The call is never recorded.",
        "manage_heading": "Manage your appointment",
        "manage_view": "View your appointment",
        "manage_reschedule": "Change the date or time",
        "manage_cancel": "Cancel the appointment",
        "book_again_heading": "Book again",
        "book_again_intro": "If you still need the service, you can book a new appointment.",
        "book_again_link": "Book a new appointment",
        "calendar_note": "The attached file {filename} adds the appointment to your calendar.",
        "calendar_note_cancelled": (
            "The attached file {filename} updates your calendar with the cancellation."
        ),
        "questions": "If you have any questions, email us at {email} or call the KEP on {phone}.",
        "questions_written": "If you have any questions, email us at {email}.",
        "automatic": "This message was sent automatically by myKEPlive.",
        "ics_summary": "Video call with KEP: {procedure}",
        "ics_cancelled": "The appointment has been cancelled.",
        "ics_alarm": "In 15 minutes: video call with KEP",
    },
}

LANGUAGES = tuple(TEXTS)
DEFAULT_LANGUAGE = "el"


def language_of(booking: dict) -> str:
    """The booking's language if there are texts for it, otherwise Greek."""
    language = booking.get("language")
    return language if language in TEXTS else DEFAULT_LANGUAGE
