#!/usr/bin/env python3
"""Build procedures.json: the KEP procedures of the sandbox scheduling service.

The procedures are real kinds of procedure that KEPs handle, under the four
categories of article 4 of decision 20530 ΕΞ 2020; the titles are written in the
official style, not copied from the platform's own table. Which municipal
procedures each municipality offers is synthetic: a core that every municipality
offers plus a selection picked by a stable hash of the municipality id.

Deterministic, standard library only:
    python3 build_procedures.py [--places PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Article 4 order; the file is sorted by it (as the service lists the categories).
CATEGORY_ORDER = ("information", "business", "disability", "municipal")

MIN_MUNICIPAL, MAX_MUNICIPAL = 8, 16


def proc(pid, title_el, title_en, keywords_el=(), keywords_en=(), core=False):
    return {"id": pid, "title_el": title_el, "title_en": title_en,
            "keywords_el": list(keywords_el), "keywords_en": list(keywords_en), "core": core}


# --- 1. Διοικητική Πληροφόρηση – Διεκπεραίωση αίτησης -----------------------
# Procedures that need neither the applicant's presence nor a signature in person.
INFORMATION = [
    proc("criminal-record-copy",
         "Χορήγηση αντιγράφου ποινικού μητρώου γενικής χρήσης",
         "Copy of criminal record (general use)",
         ["ποινικό", "λευκό ποινικό μητρώο", "πιστοποιητικό", "χαρτί"],
         ["criminal record", "police certificate", "clean record"]),
    proc("military-status-certificate",
         "Χορήγηση πιστοποιητικού στρατολογικής κατάστασης τύπου Α΄",
         "Military status certificate (type A)",
         ["στρατολογικό", "στρατιωτικές υποχρεώσεις", "θητεία", "χαρτί"],
         ["military service", "army", "conscription"]),
    proc("citizenship-certificate",
         "Χορήγηση πιστοποιητικού ιθαγένειας",
         "Certificate of Greek citizenship",
         ["ιθαγένεια", "υπηκοότητα", "χαρτί"],
         ["citizenship", "nationality"]),
    proc("tax-clearance-certificate",
         "Χορήγηση αποδεικτικού φορολογικής ενημερότητας",
         "Tax clearance certificate",
         ["φορολογική ενημερότητα", "εφορία", "ΔΟΥ", "μη οφειλή"],
         ["tax clearance", "tax office", "no tax debt"]),
    proc("income-tax-assessment-copy",
         "Χορήγηση αντιγράφου εκκαθαριστικού σημειώματος φόρου εισοδήματος",
         "Copy of income tax assessment notice",
         ["εκκαθαριστικό", "εφορία", "φορολογική δήλωση"],
         ["tax assessment", "tax statement"]),
    proc("tax-return-copy",
         "Χορήγηση αντιγράφου δήλωσης φορολογίας εισοδήματος (Ε1)",
         "Copy of income tax return (E1)",
         ["Ε1", "φορολογική δήλωση", "εφορία"],
         ["tax return", "E1"]),
    proc("property-declaration-copy",
         "Χορήγηση αντιγράφου δήλωσης στοιχείων ακινήτων (Ε9)",
         "Copy of property declaration (E9)",
         ["Ε9", "ακίνητα", "περιουσιολόγιο"],
         ["E9", "property", "real estate"]),
    proc("enfia-assessment-copy",
         "Χορήγηση αντιγράφου πράξης διοικητικού προσδιορισμού ΕΝΦΙΑ",
         "Copy of the ENFIA property tax assessment",
         ["ΕΝΦΙΑ", "φόρος ακινήτων", "εκκαθαριστικό"],
         ["property tax", "ENFIA"]),
    proc("insurance-clearance-certificate",
         "Χορήγηση αποδεικτικού ασφαλιστικής ενημερότητας (e-ΕΦΚΑ)",
         "Social insurance clearance certificate (e-EFKA)",
         ["ασφαλιστική ενημερότητα", "ΕΦΚΑ", "ΙΚΑ", "ένσημα", "μη οφειλή"],
         ["insurance clearance", "EFKA", "IKA", "contributions"]),
    proc("health-insurance-eligibility",
         "Χορήγηση βεβαίωσης ασφαλιστικής ικανότητας",
         "Certificate of health insurance cover",
         ["ασφαλιστική ικανότητα", "περίθαλψη", "ΕΟΠΥΥ", "βιβλιάριο υγείας"],
         ["health cover", "medical insurance", "EOPYY"]),
    proc("insurance-record-statement",
         "Χορήγηση βεβαίωσης ασφαλιστικού βίου (e-ΕΦΚΑ)",
         "Statement of insurance record (e-EFKA)",
         ["ένσημα", "ημέρες ασφάλισης", "ασφαλιστικό βιογραφικό"],
         ["insurance record", "stamps", "contribution days"]),
    proc("pension-income-statement",
         "Χορήγηση βεβαίωσης συντάξεων για φορολογική χρήση",
         "Statement of pension income for tax purposes",
         ["σύνταξη", "βεβαίωση αποδοχών", "εφορία"],
         ["pension statement", "tax certificate"]),
    proc("amka-assignment",
         "Απόδοση Αριθμού Μητρώου Κοινωνικής Ασφάλισης (ΑΜΚΑ)",
         "Social security number (AMKA)",
         ["ΑΜΚΑ", "αριθμός κοινωνικής ασφάλισης"],
         ["AMKA", "social security number"]),
    proc("ehic",
         "Έκδοση Ευρωπαϊκής Κάρτας Ασφάλισης Ασθένειας (ΕΚΑΑ)",
         "European Health Insurance Card (EHIC)",
         ["ΕΚΑΑ", "κάρτα υγείας", "ταξίδι στο εξωτερικό"],
         ["EHIC", "health card", "travel abroad"]),
    proc("unemployment-certificate",
         "Χορήγηση βεβαίωσης ανεργίας (ΔΥΠΑ)",
         "Certificate of unemployment (DYPA)",
         ["κάρτα ανεργίας", "ΟΑΕΔ", "ΔΥΠΑ", "άνεργος"],
         ["unemployment", "OAED", "DYPA", "jobless"]),
    proc("unemployment-benefit",
         "Αίτηση για τακτική επιδότηση ανεργίας (ΔΥΠΑ)",
         "Application for unemployment benefit (DYPA)",
         ["επίδομα ανεργίας", "ΟΑΕΔ", "ΔΥΠΑ"],
         ["unemployment benefit", "jobseeker's allowance"]),
    proc("maternity-benefit",
         "Αίτηση για ειδική παροχή προστασίας μητρότητας (ΔΥΠΑ)",
         "Application for maternity protection benefit (DYPA)",
         ["επίδομα μητρότητας", "άδεια μητρότητας", "εγκυμοσύνη"],
         ["maternity benefit", "maternity leave"]),
    proc("child-benefit",
         "Αίτηση για χορήγηση επιδόματος παιδιού (Α21)",
         "Application for child benefit (A21)",
         ["Α21", "επίδομα παιδιών", "ΟΠΕΚΑ"],
         ["child benefit", "family allowance", "OPEKA"]),
    proc("birth-allowance",
         "Αίτηση για χορήγηση επιδόματος γέννησης",
         "Application for the birth allowance",
         ["επίδομα γέννησης", "νεογέννητο", "ΟΠΕΚΑ"],
         ["birth grant", "new baby", "OPEKA"]),
    proc("minimum-income",
         "Αίτηση για το Ελάχιστο Εγγυημένο Εισόδημα",
         "Application for the Guaranteed Minimum Income",
         ["ΚΕΑ", "κοινωνικό εισόδημα αλληλεγγύης", "επίδομα"],
         ["minimum income", "social benefit", "KEA"]),
    proc("housing-allowance",
         "Αίτηση για χορήγηση επιδόματος στέγασης",
         "Application for housing allowance",
         ["επίδομα ενοικίου", "ενοίκιο", "στέγαση"],
         ["rent allowance", "housing benefit"]),
    proc("social-electricity-tariff",
         "Αίτηση ένταξης στο Κοινωνικό Οικιακό Τιμολόγιο (ΚΟΤ)",
         "Application for the social electricity tariff (KOT)",
         ["ΚΟΤ", "ρεύμα", "λογαριασμός ρεύματος", "ΔΕΗ"],
         ["electricity bill", "social tariff", "power"]),
    proc("old-age-pension",
         "Αίτηση συνταξιοδότησης λόγω γήρατος (e-ΕΦΚΑ)",
         "Application for an old-age pension (e-EFKA)",
         ["σύνταξη", "συνταξιοδότηση", "ΕΦΚΑ"],
         ["pension", "retirement"]),
    proc("driving-licence-renewal",
         "Ανανέωση άδειας οδήγησης",
         "Renewing a driving licence",
         ["δίπλωμα οδήγησης", "δίπλωμα", "λήξη"],
         ["driving licence", "driver's license"]),
    proc("driving-licence-replacement",
         "Αντικατάσταση άδειας οδήγησης λόγω απώλειας, κλοπής ή φθοράς",
         "Replacing a lost, stolen or damaged driving licence",
         ["δίπλωμα", "απώλεια", "κλοπή", "αντίγραφο"],
         ["lost licence", "duplicate licence"]),
    proc("vehicle-registration-replacement",
         "Αντικατάσταση άδειας κυκλοφορίας οχήματος λόγω απώλειας, κλοπής ή φθοράς",
         "Replacing a lost, stolen or damaged vehicle registration certificate",
         ["άδεια κυκλοφορίας", "αυτοκίνητο", "απώλεια"],
         ["vehicle registration", "car papers", "logbook"]),
    proc("contact-registry",
         "Δήλωση στοιχείων στο Εθνικό Μητρώο Επικοινωνίας (ΕΜΕπ)",
         "Registering your contact details in the National Contact Registry (EMEp)",
         ["κινητό", "email", "στοιχεία επικοινωνίας"],
         ["contact details", "mobile number"]),
    proc("passport-information",
         "Πληροφόρηση για την έκδοση διαβατηρίου",
         "Information on getting a passport",
         ["διαβατήριο", "δικαιολογητικά", "ανανέωση διαβατηρίου"],
         ["passport", "passport renewal"]),
]

# --- 2. Υπηρεσίες προς επιχειρήσεις (ΚΕΠ – ΕΚΕ) ------------------------------
BUSINESS = [
    proc("company-formation-one-stop",
         "Σύσταση εταιρείας μέσω Υπηρεσίας Μιας Στάσης (ΟΕ, ΕΕ, ΙΚΕ)",
         "Setting up a company through the One-Stop Service (OE, EE, IKE)",
         ["ίδρυση εταιρείας", "ΓΕΜΗ", "νέα επιχείρηση", "ΥΜΣ"],
         ["company registration", "start a company", "one-stop shop"]),
    proc("sole-trader-start-information",
         "Πληροφόρηση για έναρξη εργασιών ατομικής επιχείρησης",
         "Information on starting up as a sole trader",
         ["έναρξη δραστηριότητας", "ελεύθερος επαγγελματίας", "μπλοκάκι", "ΔΟΥ"],
         ["start a business", "self-employed", "freelancer"]),
    proc("business-change-closure-information",
         "Πληροφόρηση για μεταβολή στοιχείων ή διακοπή εργασιών επιχείρησης",
         "Information on changing a business's details or closing it down",
         ["διακοπή εργασιών", "κλείσιμο επιχείρησης", "μεταβολή", "ΚΑΔ"],
         ["close a business", "change of activity"]),
    proc("gemi-general-certificate",
         "Χορήγηση γενικού πιστοποιητικού ΓΕΜΗ",
         "General certificate from the General Commercial Registry (GEMI)",
         ["ΓΕΜΗ", "εμπορικό μητρώο", "καταστατικό", "χαρτί"],
         ["business register", "commercial registry", "GEMI"]),
    proc("gemi-representation-certificate",
         "Χορήγηση πιστοποιητικού ισχύουσας εκπροσώπησης από το ΓΕΜΗ",
         "Certificate of current legal representation from GEMI",
         ["εκπροσώπηση", "διαχειριστής", "ΓΕΜΗ"],
         ["legal representative", "authorised signatory"]),
    proc("chamber-registration-certificate",
         "Χορήγηση βεβαίωσης εγγραφής στο Επιμελητήριο",
         "Certificate of registration with the Chamber of Commerce",
         ["επιμελητήριο", "μητρώο μελών", "βεβαίωση"],
         ["chamber of commerce", "membership certificate"]),
    proc("no-bankruptcy-certificate",
         "Χορήγηση πιστοποιητικού περί μη πτώχευσης",
         "Certificate of non-bankruptcy",
         ["πτώχευση", "πρωτοδικείο", "διαγωνισμός"],
         ["bankruptcy", "insolvency", "court certificate"]),
    proc("no-liquidation-certificate",
         "Χορήγηση πιστοποιητικού περί μη θέσης σε εκκαθάριση",
         "Certificate that a company is not in liquidation",
         ["εκκαθάριση", "λύση εταιρείας", "πρωτοδικείο"],
         ["liquidation", "winding up"]),
    proc("employer-registration",
         "Απογραφή εργοδότη στο e-ΕΦΚΑ",
         "Registering as an employer with e-EFKA",
         ["εργοδότης", "ΑΜΕ", "μητρώο εργοδοτών", "πρόσληψη"],
         ["employer number", "hiring staff"]),
    proc("food-business-notification-information",
         "Πληροφόρηση για τη γνωστοποίηση λειτουργίας καταστήματος υγειονομικού ενδιαφέροντος",
         "Information on notifying the opening of a food business",
         ["γνωστοποίηση", "καφετέρια", "εστιατόριο", "ΚΥΕ", "άδεια λειτουργίας"],
         ["food business", "restaurant", "cafe", "notification"]),
    proc("business-licensing-information",
         "Πληροφόρηση για την αδειοδότηση οικονομικών δραστηριοτήτων",
         "Information on licensing a business activity",
         ["άδεια λειτουργίας", "αδειοδότηση", "γνωστοποίηση"],
         ["business licence", "permit", "licensing"]),
    proc("street-trading-information",
         "Πληροφόρηση για την άδεια άσκησης υπαίθριου εμπορίου",
         "Information on street trading licences",
         ["λαϊκή αγορά", "πλανόδιο εμπόριο", "παζάρι"],
         ["street market", "street vendor", "market stall"]),
    proc("beneficial-owners-information",
         "Πληροφόρηση για την καταχώριση στο Μητρώο Πραγματικών Δικαιούχων",
         "Information on registering in the Register of Beneficial Owners",
         ["πραγματικοί δικαιούχοι", "ΜΠΔ"],
         ["beneficial owners", "UBO register"]),
    proc("business-support-information",
         "Πληροφόρηση για προγράμματα ενίσχυσης επιχειρήσεων (ΕΣΠΑ)",
         "Information on business support programmes (ESPA)",
         ["επιδότηση", "ΕΣΠΑ", "χρηματοδότηση", "ενίσχυση"],
         ["grants", "funding", "subsidies", "NSRF"]),
]

# --- 3. Εξυπηρέτηση πολιτών με αναπηρία --------------------------------------
DISABILITY = [
    proc("kepa-assessment",
         "Αίτηση πιστοποίησης αναπηρίας από τα ΚΕΠΑ",
         "Application for disability assessment by KEPA",
         ["ΚΕΠΑ", "ποσοστό αναπηρίας", "υγειονομική επιτροπή", "γνωμάτευση"],
         ["disability assessment", "medical board", "KEPA"]),
    proc("kepa-home-assessment",
         "Αίτηση για κατ' οίκον εξέταση από υγειονομική επιτροπή ΚΕΠΑ",
         "Application for a home assessment by a KEPA medical board",
         ["κατ' οίκον", "κλινήρης", "ΚΕΠΑ", "επιτροπή"],
         ["home visit", "bedridden", "KEPA"]),
    proc("kepa-decision-copy",
         "Χορήγηση αντιγράφου γνωμάτευσης ΚΕΠΑ",
         "Copy of a KEPA disability decision",
         ["γνωμάτευση", "απόφαση ΚΕΠΑ", "ποσοστό αναπηρίας", "χαρτί"],
         ["disability decision", "KEPA certificate"]),
    proc("disability-card-information",
         "Πληροφόρηση για την Κάρτα Αναπηρίας",
         "Information on the Disability Card",
         ["κάρτα αναπηρίας", "ΑμεΑ", "ταυτότητα αναπηρίας"],
         ["disability card", "disability ID"]),
    proc("disability-parking-permit",
         "Αίτηση για χορήγηση ειδικού σήματος στάθμευσης οχήματος ατόμων με αναπηρία",
         "Application for a disabled parking permit",
         ["σήμα στάθμευσης", "κάρτα στάθμευσης", "πάρκινγκ", "ΑμεΑ"],
         ["parking card", "blue badge", "disabled parking"]),
    proc("disability-travel-pass",
         "Αίτηση για έκδοση δελτίου μετακίνησης ατόμων με αναπηρία",
         "Application for a disability travel pass",
         ["δελτίο μετακίνησης", "δωρεάν μετακίνηση", "ΜΜΜ", "ΚΤΕΛ"],
         ["free travel", "bus pass", "public transport"]),
    proc("disability-vehicle-tax-information",
         "Πληροφόρηση για απαλλαγή οχήματος ατόμων με αναπηρία από τέλος ταξινόμησης και τέλη κυκλοφορίας",
         "Information on registration tax and road tax exemptions for vehicles of people with disabilities",
         ["αναπηρικό αυτοκίνητο", "τέλη κυκλοφορίας", "τέλος ταξινόμησης", "τελωνείο"],
         ["car tax", "road tax", "vehicle tax exemption"]),
    proc("disability-tax-relief-information",
         "Πληροφόρηση για φορολογικές απαλλαγές ατόμων με αναπηρία 80% και άνω",
         "Information on tax relief for people with a disability of 80% or more",
         ["έκπτωση φόρου", "80%", "εφορία", "φορολογική δήλωση"],
         ["tax allowance", "tax relief", "income tax"]),
    proc("disability-allowance",
         "Αίτηση για χορήγηση προνοιακού επιδόματος αναπηρίας (ΟΠΕΚΑ)",
         "Application for a disability welfare allowance (OPEKA)",
         ["επίδομα αναπηρίας", "προνοιακό επίδομα", "ΟΠΕΚΑ"],
         ["disability allowance", "welfare benefit", "OPEKA"]),
    proc("disability-pension",
         "Αίτηση συνταξιοδότησης λόγω αναπηρίας (e-ΕΦΚΑ)",
         "Application for a disability pension (e-EFKA)",
         ["σύνταξη αναπηρίας", "ΕΦΚΑ", "συνταξιοδότηση"],
         ["invalidity pension", "disability pension"]),
    proc("personal-assistant-information",
         "Πληροφόρηση για το πρόγραμμα «Προσωπικός Βοηθός» ατόμων με αναπηρία",
         "Information on the Personal Assistant programme for people with disabilities",
         ["προσωπικός βοηθός", "φροντίδα", "ΑμεΑ"],
         ["personal assistant", "carer", "support worker"]),
]

# --- 4. Εξυπηρέτηση από το Δήμο σας ------------------------------------------
# core=True: offered by every municipality (the registry certificates).
MUNICIPAL = [
    proc("family-status-certificate",
         "Χορήγηση πιστοποιητικού οικογενειακής κατάστασης",
         "Family status certificate",
         ["οικογενειακή κατάσταση", "βεβαίωση οικογενειακής κατάστασης", "δημοτολόγιο", "χαρτί"],
         ["family certificate", "civil status", "household"], core=True),
    proc("birth-certificate",
         "Χορήγηση πιστοποιητικού γέννησης",
         "Birth certificate (municipal register)",
         ["γέννηση", "δημοτολόγιο", "χαρτί"],
         ["birth certificate", "municipal register"], core=True),
    proc("birth-record-copy",
         "Χορήγηση αντιγράφου ληξιαρχικής πράξης γέννησης",
         "Copy of a birth record (civil registry)",
         ["ληξιαρχείο", "ληξιαρχική πράξη", "γέννηση", "απόσπασμα"],
         ["birth record", "civil registry"], core=True),
    proc("marriage-record-copy",
         "Χορήγηση αντιγράφου ληξιαρχικής πράξης γάμου",
         "Copy of a marriage record",
         ["γάμος", "ληξιαρχείο", "ληξιαρχική πράξη", "απόσπασμα"],
         ["marriage certificate", "civil registry"], core=True),
    proc("death-record-copy",
         "Χορήγηση αντιγράφου ληξιαρχικής πράξης θανάτου",
         "Copy of a death record",
         ["θάνατος", "ληξιαρχείο", "ληξιαρχική πράξη", "κληρονομιά"],
         ["death certificate", "civil registry"], core=True),
    proc("permanent-residence-certificate",
         "Χορήγηση βεβαίωσης μόνιμης κατοικίας",
         "Certificate of permanent residence",
         ["κατοικία", "διεύθυνση", "βεβαίωση κατοικίας", "χαρτί"],
         ["proof of address", "residence certificate"], core=True),
    proc("next-of-kin-certificate",
         "Χορήγηση πιστοποιητικού εγγυτέρων συγγενών",
         "Next-of-kin certificate",
         ["κληρονομιά", "κληρονόμοι", "συγγενείς", "χαρτί"],
         ["inheritance", "heirs", "next of kin"]),
    proc("male-register-certificate",
         "Χορήγηση πιστοποιητικού εγγραφής στο Μητρώο Αρρένων",
         "Certificate of entry in the Register of Males",
         ["μητρώο αρρένων", "στρατολογία", "χαρτί"],
         ["register of males", "military registration"]),
    proc("civil-partnership-record-copy",
         "Χορήγηση αντιγράφου ληξιαρχικής πράξης συμφώνου συμβίωσης",
         "Copy of a civil partnership record",
         ["σύμφωνο συμβίωσης", "ληξιαρχείο", "ληξιαρχική πράξη"],
         ["civil partnership", "civil union"]),
    proc("electoral-roll-certificate",
         "Χορήγηση βεβαίωσης εγγραφής στους εκλογικούς καταλόγους",
         "Certificate of entry in the electoral roll",
         ["εκλογικός κατάλογος", "εκλογές", "ψήφος"],
         ["electoral register", "voting", "elections"]),
    proc("change-of-municipality",
         "Αίτηση μεταδημότευσης",
         "Transferring your municipal registration (change of municipality)",
         ["μεταδημότευση", "αλλαγή δήμου", "δημοτολόγιο"],
         ["change municipality", "municipal registration"]),
    proc("municipal-debt-clearance",
         "Χορήγηση βεβαίωσης μη οφειλής προς τον Δήμο",
         "Certificate of no debt to the municipality",
         ["δημοτική ενημερότητα", "οφειλές", "δημοτικά τέλη", "βεβαίωση"],
         ["municipal clearance", "no debts", "municipal charges"]),
    proc("tap-transfer-certificate",
         "Χορήγηση βεβαίωσης μη οφειλής ΤΑΠ για μεταβίβαση ακινήτου",
         "Certificate of paid property duty (TAP) for a property transfer",
         ["ΤΑΠ", "τέλος ακίνητης περιουσίας", "μεταβίβαση", "συμβόλαιο", "τετραγωνικά"],
         ["property transfer", "TAP", "notary"]),
    proc("property-area-declaration",
         "Δήλωση τετραγωνικών μέτρων ακινήτου για τα δημοτικά τέλη και το ΤΑΠ",
         "Declaring a property's floor area for municipal charges and TAP",
         ["τετραγωνικά", "δημοτικά τέλη", "λογαριασμός ρεύματος", "ΤΑΠ"],
         ["floor area", "square metres", "municipal charges"]),
    proc("municipal-charges-reduction",
         "Αίτηση απαλλαγής ή μείωσης δημοτικών τελών για ευάλωτες ομάδες",
         "Exemption from or reduction of municipal charges for vulnerable groups",
         ["μειωμένα τέλη", "πολύτεκνοι", "ΑμεΑ", "απαλλαγή"],
         ["reduced charges", "exemption", "large families"]),
    proc("public-space-permit-information",
         "Πληροφόρηση για την άδεια χρήσης κοινόχρηστου χώρου",
         "Information on permits to use public space",
         ["κατάληψη κοινόχρηστου χώρου", "τραπεζοκαθίσματα", "πεζοδρόμιο"],
         ["pavement", "outdoor seating", "public space"]),
    proc("resident-parking-permit",
         "Αίτηση για κάρτα στάθμευσης μόνιμου κατοίκου",
         "Application for a resident parking permit",
         ["στάθμευση", "κάρτα στάθμευσης", "ελεγχόμενη στάθμευση"],
         ["parking", "resident permit"]),
    proc("bulky-waste-collection",
         "Αίτηση για αποκομιδή ογκωδών αντικειμένων και κλαδεμάτων",
         "Collection of bulky items and garden waste",
         ["ογκώδη", "κλαδέματα", "έπιπλα", "καθαριότητα"],
         ["bulky waste", "garden waste", "furniture collection"]),
    proc("kapi-membership",
         "Εγγραφή μέλους στο Κέντρο Ανοιχτής Προστασίας Ηλικιωμένων (ΚΑΠΗ)",
         "Joining an open-care centre for older people (KAPI)",
         ["ΚΑΠΗ", "ηλικιωμένοι", "συνταξιούχοι"],
         ["older people", "seniors club", "KAPI"]),
    proc("help-at-home",
         "Αίτηση ένταξης στο πρόγραμμα «Βοήθεια στο Σπίτι»",
         "Application for the Help at Home programme",
         ["βοήθεια στο σπίτι", "φροντίδα", "ηλικιωμένοι", "κοινωνική υπηρεσία"],
         ["home care", "older people", "social services"]),
    proc("social-grocery",
         "Αίτηση ένταξης στο Κοινωνικό Παντοπωλείο του Δήμου",
         "Application to the municipality's social grocery",
         ["κοινωνικό παντοπωλείο", "τρόφιμα", "κοινωνική υπηρεσία"],
         ["food bank", "social grocery", "social services"]),
    proc("nursery-enrolment",
         "Αίτηση εγγραφής σε δημοτικό παιδικό ή βρεφονηπιακό σταθμό",
         "Enrolling a child in a municipal nursery",
         ["παιδικός σταθμός", "βρεφονηπιακός", "εγγραφή", "voucher"],
         ["nursery", "day care", "kindergarten"]),
]

CATALOGUE = {
    "information": INFORMATION,
    "business": BUSINESS,
    "disability": DISABILITY,
    "municipal": MUNICIPAL,
}


# --- helpers -----------------------------------------------------------------

def sort_key_el(text):
    """Greek sort key that ignores accents, diaeresis, case and final sigma."""
    stripped = "".join(c for c in unicodedata.normalize("NFD", text)
                       if not unicodedata.combining(c))
    return stripped.lower().replace("ς", "σ")


def digest(*parts):
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def municipal_offer(municipality_ids, municipal):
    """Core procedures everywhere, plus a hash-chosen number of the others.

    Each municipality ranks the optional procedures by a hash of (municipality,
    procedure) and takes the first n, so adding a procedure to the catalogue
    changes few existing offers.
    """
    core = [p["id"] for p in municipal if p["core"]]
    optional = [p["id"] for p in municipal if not p["core"]]
    low = max(0, MIN_MUNICIPAL - len(core))
    high = min(len(optional), MAX_MUNICIPAL - len(core))
    order = [p["id"] for p in municipal]  # file order: by Greek title
    offer = {}
    for mid in sorted(municipality_ids):
        n = low + int(digest("count", mid)[:8], 16) % (high - low + 1)
        ranked = sorted(optional, key=lambda pid: digest("pick", mid, pid))
        chosen = set(core) | set(ranked[:n])
        offer[mid] = [pid for pid in order if pid in chosen]
    return offer


def build(places_path):
    places = json.loads(places_path.read_text(encoding="utf-8"))
    municipality_ids = [m["id"] for m in places["municipalities"]]

    procedures = []
    for category in CATEGORY_ORDER:
        rows = sorted(CATALOGUE[category], key=lambda p: (sort_key_el(p["title_el"]), p["id"]))
        for p in rows:
            procedures.append({
                "id": p["id"],
                "category": category,
                "title_el": p["title_el"],
                "title_en": p["title_en"],
                "keywords_el": p["keywords_el"],
                "keywords_en": p["keywords_en"],
            })
    municipal = [p for p in procedures if p["category"] == "municipal"]
    core_ids = {p["id"] for p in MUNICIPAL if p["core"]}
    for p in municipal:
        p["core"] = p["id"] in core_ids
    offer = municipal_offer(municipality_ids, municipal)
    for p in municipal:
        del p["core"]

    data = {
        "source": ("Categories: article 4 of the joint ministerial decision 20530 ΕΞ 2020 "
                   "(ΦΕΚ Β' 3030/21.7.2020). Procedures: kinds of procedure that KEPs handle "
                   "(KEP catalogue, ΚΕΠ – ΕΚΕ one-stop services, Εθνικό Μητρώο Διοικητικών "
                   "Διαδικασιών «Μίτος»), titled in the official style from general knowledge. "
                   "Municipality ids: places.json. Generated by build_procedures.py."),
        "note": ("Sandbox reference data. The procedures are real, but this is not the "
                 "platform's own table and the titles are not copied from it. municipal_offer "
                 "is SYNTHETIC: every municipality offers the core registry certificates plus "
                 "a selection of the other municipal procedures chosen by a hash of its id "
                 f"({MIN_MUNICIPAL}–{MAX_MUNICIPAL} in all)."),
        "procedures": procedures,
        "municipal_offer": offer,
    }
    validate(data, municipality_ids)
    return data


def validate(data, municipality_ids):
    procs = data["procedures"]
    problems = []
    ids = [p["id"] for p in procs]
    duplicates = sorted(pid for pid, n in Counter(ids).items() if n > 1)
    if duplicates:
        problems.append(f"duplicate ids: {duplicates}")
    for p in procs:
        if p["category"] not in CATEGORY_ORDER:
            problems.append(f"{p['id']}: unknown category {p['category']}")
        if not p["title_el"].strip() or not p["title_en"].strip():
            problems.append(f"{p['id']}: empty title")
        if not p["id"].isascii() or p["id"] != p["id"].lower() or " " in p["id"]:
            problems.append(f"{p['id']}: id is not a lowercase ASCII slug")
    if len(procs) < 60:
        problems.append(f"only {len(procs)} procedures")
    category_of = {p["id"]: p["category"] for p in procs}
    offer = data["municipal_offer"]
    if set(offer) != set(municipality_ids):
        problems.append("municipal_offer does not cover exactly the municipalities of places.json")
    for mid, pids in offer.items():
        if not MIN_MUNICIPAL <= len(pids) <= MAX_MUNICIPAL:
            problems.append(f"{mid}: {len(pids)} municipal procedures")
        if len(set(pids)) != len(pids):
            problems.append(f"{mid}: repeated procedure")
        for pid in pids:
            if category_of.get(pid) != "municipal":
                problems.append(f"{mid}: {pid} is not a municipal procedure")
    if problems:
        raise SystemExit("invalid procedures:\n  " + "\n  ".join(problems))


def summary(data):
    counts = Counter(p["category"] for p in data["procedures"])
    sizes = [len(v) for v in data["municipal_offer"].values()]
    used = Counter(pid for v in data["municipal_offer"].values() for pid in v)
    lines = [f"{len(data['procedures'])} procedures: "
             + ", ".join(f"{c} {counts[c]}" for c in CATEGORY_ORDER),
             f"municipal_offer: {len(sizes)} municipalities, {min(sizes)}–{max(sizes)} "
             f"procedures each (mean {sum(sizes) / len(sizes):.1f})",
             "municipalities offering each municipal procedure: "
             + ", ".join(f"{pid} {n}" for pid, n in sorted(used.items(), key=lambda kv: (-kv[1], kv[0])))]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=Path, default=HERE / "places.json")
    parser.add_argument("--out", type=Path, default=HERE / "procedures.json")
    args = parser.parse_args(argv)
    data = build(args.places)
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    print(summary(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
