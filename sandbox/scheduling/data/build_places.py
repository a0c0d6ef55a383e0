#!/usr/bin/env python3
"""Build places.json: the sandbox scheduling service's municipalities and KEPs.

Real: the 112 municipality names (seed_name) and their join dates, read from the
project seed (shared/seed/municipalities.json), plus regions and English names.
Synthetic: every KEP detail (addresses, phones, hours, employee counts).

Deterministic, standard library only:
    python3 build_places.py [--seed PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import unicodedata
from collections import namedtuple
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED_RELATIVE = Path("shared") / "seed" / "municipalities.json"


def find_seed():
    """shared/ lies beside the repository clone: look upwards from here."""
    for folder in HERE.parents:
        if (folder / SEED_RELATIVE).is_file():
            return folder / SEED_RELATIVE
    return None

JOIN_DATES = {
    "joined_2020_07_decision_annex": "2020-07-21",  # ΦΕΚ Β' 3030/21.7.2020
    "joined_2020_11_10": "2020-11-10",
    "joined_2020_11_23": "2020-11-23",
}

TOTAL_KEPS = 180        # the programme reached 180 KEPs
TOTAL_EMPLOYEES = 870   # the programme trained 870 KEP employees
MIN_EMPLOYEES, MAX_EMPLOYEES = 2, 12

REGIONS = {
    "ATT": ("Αττική", "Attica"),
    "CM": ("Κεντρική Μακεδονία", "Central Macedonia"),
    "EMT": ("Ανατολική Μακεδονία και Θράκη", "Eastern Macedonia and Thrace"),
    "WM": ("Δυτική Μακεδονία", "Western Macedonia"),
    "EP": ("Ήπειρος", "Epirus"),
    "TH": ("Θεσσαλία", "Thessaly"),
    "CG": ("Στερεά Ελλάδα", "Central Greece"),
    "ION": ("Ιόνια Νησιά", "Ionian Islands"),
    "WG": ("Δυτική Ελλάδα", "Western Greece"),
    "PEL": ("Πελοπόννησος", "Peloponnese"),
    "NA": ("Βόρειο Αιγαίο", "North Aegean"),
    "SA": ("Νότιο Αιγαίο", "South Aegean"),
    "CR": ("Κρήτη", "Crete"),
}

# A further KEP of a municipality. el/en: district or neighbourhood (nominative),
# or None for a numbered KEP ("2ο ΚΕΠ Δήμου ..."). in_seat: the district lies
# inside the seat town, so the KEP's town is the seat.
D = namedtuple("D", "el en postcode in_seat")


def district(el, en, postcode, in_seat=False):
    return D(el, en, postcode, in_seat)


def numbered(postcode=None):
    return D(None, None, postcode, True)


# One row per seed name. gen: tidy genitive used after "Δήμος"/"Δήμου".
# seat: (town_el, town_en, postcode). phone: leading digits of the 10-digit
# number (area code, sometimes the exchange). pop: rough 2011 census figure,
# used only to weigh KEP staff. label: (el, en) short name for district KEPs.
M = namedtuple("M", "seed gen slug en region seat phone pop more label")


def m(seed, gen, slug, en, region, seat, phone, pop, more=(), label=None):
    return M(seed, gen, slug, en, region, seat, phone, pop, tuple(more), label)


MUNICIPALITIES = [
    # --- decision annex, ΦΕΚ Β' 3030/21.7.2020 -------------------------------
    m("Αχαρνών", "Αχαρνών", "acharnes", "Acharnes", "ATT",
      ("Αχαρνές", "Acharnes", "13671"), "21024", 106943,
      [district("Θρακομακεδόνες", "Thrakomakedones", "13676"),
       district("Ολυμπιακό Χωριό", "Olympic Village", "13677", in_seat=True)]),
    m("Δάφνης – Υμηττού", "Δάφνης – Υμηττού", "dafni-ymittos", "Dafni – Ymittos", "ATT",
      ("Δάφνη", "Dafni", "17235"), "21097", 33628),
    m("Διονύσου", "Διονύσου", "dionysos", "Dionysos", "ATT",
      ("Άγιος Στέφανος", "Agios Stefanos", "14565"), "21081", 40193,
      [district("Δροσιά", "Drosia", "14572")]),
    m("Ελληνικού", "Ελληνικού – Αργυρούπολης", "elliniko-argyroupoli",
      "Elliniko – Argyroupoli", "ATT",
      ("Αργυρούπολη", "Argyroupoli", "16451"), "21099", 51356),
    m("Ζωγράφου", "Ζωγράφου", "zografou", "Zografou", "ATT",
      ("Ζωγράφου", "Zografou", "15772"), "21077", 71026,
      [district("Άνω Ιλίσια", "Ano Ilisia", "15771", in_seat=True)]),
    m("Ιλίου", "Ιλίου", "ilion", "Ilion", "ATT",
      ("Ίλιον", "Ilion", "13122"), "21026", 84793, [numbered("13121")]),
    m("Καβάλας", "Καβάλας", "kavala", "Kavala", "EMT",
      ("Καβάλα", "Kavala", "65302"), "2510", 70501,
      [district("Νέα Καρβάλη", "Nea Karvali", "64006")]),
    m("Κιλκίς", "Κιλκίς", "kilkis", "Kilkis", "CM",
      ("Κιλκίς", "Kilkis", "61100"), "23410", 51926, [numbered()]),
    m("Αμπελοκήπων Μενεμένης", "Αμπελοκήπων – Μενεμένης", "ampelokipoi-menemeni",
      "Ampelokipoi – Menemeni", "CM",
      ("Αμπελόκηποι", "Ampelokipoi", "56123"), "23107", 52127,
      [district("Μενεμένη", "Menemeni", "54628")]),
    m("Πυλαίας – Χορτιάτη", "Πυλαίας – Χορτιάτη", "pylaia-chortiatis",
      "Pylaia – Chortiatis", "CM",
      ("Πανόραμα", "Panorama", "55236"), "23103", 70110,
      [district("Πυλαία", "Pylaia", "55535")]),
    m("Νεάπολης – Συκέων", "Νεάπολης – Συκεών", "neapoli-sykies", "Neapoli – Sykies", "CM",
      ("Συκιές", "Sykies", "56626"), "23102", 84741,
      [district("Νεάπολη", "Neapoli", "56728")]),
    m("Κορυδαλλού", "Κορυδαλλού", "korydallos", "Korydallos", "ATT",
      ("Κορυδαλλός", "Korydallos", "18122"), "21049", 63445, [numbered("18121")]),
    m("Ναυπλιέων", "Ναυπλιέων", "nafplio", "Nafplio", "PEL",
      ("Ναύπλιο", "Nafplio", "21100"), "27520", 33356),
    m("Νέας Σμύρνης", "Νέας Σμύρνης", "nea-smyrni", "Nea Smyrni", "ATT",
      ("Νέα Σμύρνη", "Nea Smyrni", "17121"), "21093", 73076, [numbered("17123")]),
    m("Χαλκιδαιών", "Χαλκιδέων", "chalkida", "Chalkida", "CG",
      ("Χαλκίδα", "Chalkida", "34100"), "22210", 102223,
      [district("Νέα Αρτάκη", "Nea Artaki", "34600"),
       district("Βασιλικό", "Vasiliko", "34002")]),
    m("Χίου", "Χίου", "chios", "Chios", "NA",
      ("Χίος", "Chios", "82100"), "22710", 51390,
      [district("Βροντάδος", "Vrontados", "82100")]),
    m("Ωρωπού", "Ωρωπού", "oropos", "Oropos", "ATT",
      ("Μαρκόπουλο Ωρωπού", "Markopoulo Oropou", "19016"), "22950", 33769,
      [district("Αυλώνας", "Avlonas", "19011")]),
    m("Βάρης- Βούλας – Βουλιαγμένης", "Βάρης – Βούλας – Βουλιαγμένης",
      "vari-voula-vouliagmeni", "Vari – Voula – Vouliagmeni", "ATT",
      ("Βούλα", "Voula", "16673"), "21089", 48399,
      [district("Βάρη", "Vari", "16672")]),
    m("Αρχαίας Ολυμπίας", "Αρχαίας Ολυμπίας", "ancient-olympia", "Ancient Olympia", "WG",
      ("Αρχαία Ολυμπία", "Archaia Olympia", "27065"), "26240", 13409),
    m("Τρικκαίων", "Τρικκαίων", "trikala", "Trikala", "TH",
      ("Τρίκαλα", "Trikala", "42100"), "24310", 81355,
      [district("Μεγάλα Καλύβια", "Megala Kalyvia", "42100")]),
    m("Ζακύνθου", "Ζακύνθου", "zakynthos", "Zakynthos", "ION",
      ("Ζάκυνθος", "Zakynthos", "29100"), "26950", 40759, [numbered()]),
    m("Βριλησσιών", "Βριλησσίων", "vrilissia", "Vrilissia", "ATT",
      ("Βριλήσσια", "Vrilissia", "15235"), "21080", 30741),
    m("Αγίων Αναργύρων", "Αγίων Αναργύρων – Καματερού", "agioi-anargyroi-kamatero",
      "Agioi Anargyroi – Kamatero", "ATT",
      ("Άγιοι Ανάργυροι", "Agioi Anargyroi", "13561"), "21026", 62529,
      [district("Καματερό", "Kamatero", "13451")]),
    m("Άρτας", "Άρτας", "arta", "Arta", "EP",
      ("Άρτα", "Arta", "47100"), "26810", 43166),
    m("Ηρακλείου Κρήτης", "Ηρακλείου Κρήτης", "heraklion-crete", "Heraklion (Crete)", "CR",
      ("Ηράκλειο", "Heraklion", "71202"), "2810", 173993,
      [district("Νέα Αλικαρνασσός", "Nea Alikarnassos", "71601"),
       district("Μασταμπάς", "Mastampas", "71305", in_seat=True),
       district("Φορτέτσα", "Fortetsa", "71409", in_seat=True)],
      label=("Ηρακλείου", "Heraklion")),
    m("Αργιθέας", "Αργιθέας", "argithea", "Argithea", "TH",
      ("Ανθηρό", "Anthiro", "43060"), "24410", 3262),
    m("Χανίων", "Χανίων", "chania", "Chania", "CR",
      ("Χανιά", "Chania", "73132"), "28210", 108642,
      [district("Σούδα", "Souda", "73200"),
       district("Ακρωτήρι", "Akrotiri", "73100")]),
    m("Δράμας", "Δράμας", "drama", "Drama", "EMT",
      ("Δράμα", "Drama", "66100"), "25210", 58944, [numbered("66131")]),
    m("Κορδελιού – Ευόσμου", "Κορδελιού – Ευόσμου", "kordelio-evosmos",
      "Kordelio – Evosmos", "CM",
      ("Εύοσμος", "Evosmos", "56224"), "23107", 101753,
      [district("Κορδελιό", "Kordelio", "56334")]),
    m("Παλαιού Φαλήρου", "Παλαιού Φαλήρου", "palaio-faliro", "Palaio Faliro", "ATT",
      ("Παλαιό Φάληρο", "Palaio Faliro", "17561"), "21098", 64021,
      [district("Αμφιθέα", "Amfithea", "17564", in_seat=True)]),
    m("Φιλοθέης – Ψυχικού", "Φιλοθέης – Ψυχικού", "filothei-psychiko",
      "Filothei – Psychiko", "ATT",
      ("Ψυχικό", "Psychiko", "15451"), "21067", 26968,
      [district("Φιλοθέη", "Filothei", "15237")]),
    m("Κηφισιάς", "Κηφισιάς", "kifisia", "Kifisia", "ATT",
      ("Κηφισιά", "Kifisia", "14562"), "21080", 71259,
      [district("Νέα Ερυθραία", "Nea Erythraia", "14671")]),
    m("Αργοστολίου", "Αργοστολίου", "argostoli", "Argostoli", "ION",
      ("Αργοστόλι", "Argostoli", "28100"), "26710", 14000),
    m("Ξυλοκάστρου", "Ξυλοκάστρου – Ευρωστίνης", "xylokastro-evrostini",
      "Xylokastro – Evrostini", "PEL",
      ("Ξυλόκαστρο", "Xylokastro", "20400"), "27430", 15881),
    m("Ρόδου", "Ρόδου", "rhodes", "Rhodes", "SA",
      ("Ρόδος", "Rhodes", "85100"), "22410", 115490,
      [district("Ιαλυσός", "Ialysos", "85101"),
       district("Αρχάγγελος", "Archangelos", "85102")]),
    m("Ευρώτα", "Ευρώτα", "evrotas", "Evrotas", "PEL",
      ("Σκάλα", "Skala", "23051"), "27350", 17891),
    m("Καλλιθέας", "Καλλιθέας", "kallithea", "Kallithea", "ATT",
      ("Καλλιθέα", "Kallithea", "17671"), "21095", 100641,
      [numbered("17672"), district("Τζιτζιφιές", "Tzitzifies", "17674", in_seat=True)]),
    m("Μεγίστης", "Μεγίστης", "megisti", "Megisti", "SA",
      ("Καστελλόριζο", "Kastellorizo", "85111"), "22460", 492),
    # --- joined 2020-11-10 ----------------------------------------------------
    m("Αθηναίων", "Αθηναίων", "athens", "Athens", "ATT",
      ("Αθήνα", "Athens", "10552"), "2103", 664046,
      [district("Κυψέλη", "Kypseli", "11257", in_seat=True),
       district("Παγκράτι", "Pangrati", "11633", in_seat=True),
       district("Πατήσια", "Patisia", "11141", in_seat=True),
       district("Κολωνός", "Kolonos", "10443", in_seat=True),
       district("Κουκάκι", "Koukaki", "11741", in_seat=True)]),
    m("Περιστερίου", "Περιστερίου", "peristeri", "Peristeri", "ATT",
      ("Περιστέρι", "Peristeri", "12131"), "21057", 139981,
      [district("Ανθούπολη", "Anthoupoli", "12136", in_seat=True),
       district("Μπουρνάζι", "Bournazi", "12133", in_seat=True)]),
    m("Γλυφάδας", "Γλυφάδας", "glyfada", "Glyfada", "ATT",
      ("Γλυφάδα", "Glyfada", "16675"), "21089", 87305,
      [district("Άνω Γλυφάδα", "Ano Glyfada", "16562", in_seat=True)]),
    m("Ηλιούπολης", "Ηλιούπολης", "ilioupoli", "Ilioupoli", "ATT",
      ("Ηλιούπολη", "Ilioupoli", "16342"), "21099", 78153, [numbered("16345")]),
    m("Καισαριανής", "Καισαριανής", "kaisariani", "Kaisariani", "ATT",
      ("Καισαριανή", "Kaisariani", "16121"), "21072", 26370),
    m("Λυκόβρυσης-Πεύκης", "Λυκόβρυσης – Πεύκης", "lykovrysi-pefki", "Lykovrysi – Pefki", "ATT",
      ("Λυκόβρυση", "Lykovrysi", "14123"), "21028", 31153,
      [district("Πεύκη", "Pefki", "15121")]),
    m("Ηρακλείου(Αττικής)", "Ηρακλείου Αττικής", "irakleio-attica", "Irakleio (Attica)", "ATT",
      ("Ηράκλειο", "Irakleio", "14121"), "21028", 49642),
    m("Αγίας Βαρβάρας", "Αγίας Βαρβάρας", "agia-varvara", "Agia Varvara", "ATT",
      ("Αγία Βαρβάρα", "Agia Varvara", "12351"), "21056", 26550),
    m("Ελευσίνας", "Ελευσίνας", "elefsina", "Elefsina", "ATT",
      ("Ελευσίνα", "Elefsina", "19200"), "21055", 29902,
      [district("Μαγούλα", "Magoula", "19018")]),
    m("Μάνδρας-Ειδυλλίας", "Μάνδρας – Ειδυλλίας", "mandra-eidyllia", "Mandra – Eidyllia", "ATT",
      ("Μάνδρα", "Mandra", "19600"), "21055", 17885),
    m("Λαυρεωτικής", "Λαυρεωτικής", "lavreotiki", "Lavreotiki", "ATT",
      ("Λαύριο", "Lavrio", "19500"), "22920", 25102,
      [district("Κερατέα", "Keratea", "19001")]),
    m("Αργινίου", "Αγρινίου", "agrinio", "Agrinio", "WG",
      ("Αγρίνιο", "Agrinio", "30100"), "26410", 106053,
      [district("Παναιτώλιο", "Panaitolio", "30020"),
       district("Καινούργιο", "Kainourgio", "30014")]),
    m("Τρίπολης", "Τρίπολης", "tripoli", "Tripoli", "PEL",
      ("Τρίπολη", "Tripoli", "22100"), "2710", 47254, [numbered("22131")]),
    m("Καστοριάς", "Καστοριάς", "kastoria", "Kastoria", "WM",
      ("Καστοριά", "Kastoria", "52100"), "24670", 35874),
    m("Έδεσσας", "Έδεσσας", "edessa", "Edessa", "CM",
      ("Έδεσσα", "Edessa", "58200"), "23810", 28814),
    m("Ορεστιάδας", "Ορεστιάδας", "orestiada", "Orestiada", "EMT",
      ("Ορεστιάδα", "Orestiada", "68200"), "25520", 37695),
    m("Μακρακώμης", "Μακρακώμης", "makrakomi", "Makrakomi", "CG",
      ("Μακρακώμη", "Makrakomi", "35011"), "22360", 14458),
    m("Ναυπακτίας", "Ναυπακτίας", "nafpaktia", "Nafpaktia", "WG",
      ("Ναύπακτος", "Nafpaktos", "30300"), "26340", 27800),
    m("Παλαμά", "Παλαμά", "palamas", "Palamas", "TH",
      ("Παλαμάς", "Palamas", "43200"), "24440", 16726),
    m("Θάσου", "Θάσου", "thasos", "Thasos", "EMT",
      ("Λιμένας", "Limenas", "64004"), "25930", 13770),
    m("Τήνου", "Τήνου", "tinos", "Tinos", "SA",
      ("Τήνος", "Tinos", "84200"), "22830", 8636),
    m("Πάρου", "Πάρου", "paros", "Paros", "SA",
      ("Παροικιά", "Parikia", "84400"), "22840", 13715,
      [district("Νάουσα", "Naousa", "84401")]),
    m("Κεντρικής Κέρκυρας", "Κεντρικής Κέρκυρας και Διαποντίων Νήσων",
      "central-corfu-diapontia", "Central Corfu and Diapontia Islands", "ION",
      ("Κέρκυρα", "Corfu", "49100"), "26610", 70000,
      [district("Ποταμός", "Potamos", "49100")],
      label=("Κεντρικής Κέρκυρας", "Central Corfu")),
    m("Μίνωα Πεδιάδας", "Μινώα Πεδιάδας", "minoa-pediada", "Minoa Pediada", "CR",
      ("Αρκαλοχώρι", "Arkalochori", "70300"), "28910", 25000),
    m("Πύλης", "Πύλης", "pyli", "Pyli", "TH",
      ("Πύλη", "Pyli", "42032"), "24340", 14343),
    m("Βοΐου", "Βοΐου", "voio", "Voio", "WM",
      ("Σιάτιστα", "Siatista", "50300"), "24650", 18386),
    m("Λευκάδας", "Λευκάδας", "lefkada", "Lefkada", "ION",
      ("Λευκάδα", "Lefkada", "31100"), "26450", 22652),
    m("Ηράκλειας", "Ηράκλειας", "irakleia", "Irakleia", "CM",
      ("Ηράκλεια", "Irakleia", "62042"), "23250", 21145),
    m("Θέρμης", "Θέρμης", "thermi", "Thermi", "CM",
      ("Θέρμη", "Thermi", "57001"), "23104", 53201,
      [district("Βασιλικά", "Vasilika", "57006")]),
    m("Παύλου Μελά", "Παύλου Μελά", "pavlos-melas", "Pavlos Melas", "CM",
      ("Σταυρούπολη", "Stavroupoli", "56430"), "23106", 99245,
      [district("Πολίχνη", "Polichni", "56533"),
       district("Ευκαρπία", "Efkarpia", "56429")]),
    m("Βόλβης", "Βόλβης", "volvi", "Volvi", "CM",
      ("Σταυρός", "Stavros", "57014"), "23970", 23478),
    m("Πωγωνίου", "Πωγωνίου", "pogoni", "Pogoni", "EP",
      ("Δελβινάκι", "Delvinaki", "44004"), "26570", 8960),
    m("Σύμης", "Σύμης", "symi", "Symi", "SA",
      ("Σύμη", "Symi", "85600"), "22460", 2590),
    m("Ψαρών", "Ψαρών", "psara", "Psara", "NA",
      ("Ψαρά", "Psara", "82104"), "22740", 448),
    # --- joined 2020-11-23 ----------------------------------------------------
    m("Αγίας Παρασκευής", "Αγίας Παρασκευής", "agia-paraskevi", "Agia Paraskevi", "ATT",
      ("Αγία Παρασκευή", "Agia Paraskevi", "15341"), "21060", 59704, [numbered("15343")]),
    m("Ακτίου Βόνιτσας", "Ακτίου – Βόνιτσας", "aktio-vonitsa", "Aktio – Vonitsa", "WG",
      ("Βόνιτσα", "Vonitsa", "30002"), "26430", 17275),
    m("Αλίμου", "Αλίμου", "alimos", "Alimos", "ATT",
      ("Άλιμος", "Alimos", "17455"), "21098", 41720),
    m("Αμφιλοχίας", "Αμφιλοχίας", "amfilochia", "Amfilochia", "WG",
      ("Αμφιλοχία", "Amfilochia", "30500"), "26420", 17059),
    m("Αρριανών", "Αρριανών", "arriana", "Arriana", "EMT",
      ("Φιλλύρα", "Fillyra", "69300"), "25310", 16577),
    m("Βελβεντού", "Βελβεντού", "velvento", "Velvento", "WM",
      ("Βελβεντό", "Velvento", "50004"), "24640", 3448),
    m("Βόρειας Κυνουρίας", "Βόρειας Κυνουρίας", "north-kynouria", "North Kynouria", "PEL",
      ("Άστρος", "Astros", "22001"), "27550", 10965),
    m("Γ. Καραισκάκη", "Γεωργίου Καραϊσκάκη", "georgios-karaiskakis",
      "Georgios Karaiskakis", "EP",
      ("Άνω Καλεντίνη", "Ano Kalentini", "47045"), "26810", 7000),
    m("Διδυμότειχου", "Διδυμοτείχου", "didymoteicho", "Didymoteicho", "EMT",
      ("Διδυμότειχο", "Didymoteicho", "68300"), "25530", 19493),
    m("Δωδώνης", "Δωδώνης", "dodoni", "Dodoni", "EP",
      ("Αγία Κυριακή", "Agia Kyriaki", "45500"), "26510", 9000),
    m("Εμμανουήλ Παππά", "Εμμανουήλ Παππά", "emmanouil-pappas", "Emmanouil Pappas", "CM",
      ("Χρυσό", "Chryso", "62100"), "23210", 14712),
    m("Εορδαίας", "Εορδαίας", "eordaia", "Eordaia", "WM",
      ("Πτολεμαΐδα", "Ptolemaida", "50200"), "24630", 45592, [numbered()]),
    m("Ερέτριας", "Ερέτριας", "eretria", "Eretria", "CG",
      ("Ερέτρια", "Eretria", "34008"), "22290", 13053),
    m("Ζίτσας", "Ζίτσας", "zitsa", "Zitsa", "EP",
      ("Ελεούσα", "Eleousa", "45445"), "26510", 16000),
    m("Ηγουμενίτσας", "Ηγουμενίτσας", "igoumenitsa", "Igoumenitsa", "EP",
      ("Ηγουμενίτσα", "Igoumenitsa", "46100"), "26650", 25814),
    m("Καλαβρύτων", "Καλαβρύτων", "kalavryta", "Kalavryta", "WG",
      ("Καλάβρυτα", "Kalavryta", "25001"), "26920", 11000),
    m("Καλαμαριάς", "Καλαμαριάς", "kalamaria", "Kalamaria", "CM",
      ("Καλαμαριά", "Kalamaria", "55131"), "23104", 91518,
      [district("Αρετσού", "Aretsou", "55132", in_seat=True),
       district("Κρήνη", "Krini", "55134", in_seat=True)]),
    m("Καλαμάτας", "Καλαμάτας", "kalamata", "Kalamata", "PEL",
      ("Καλαμάτα", "Kalamata", "24100"), "27210", 69849, [numbered("24133")]),
    m("Κατερίνης", "Κατερίνης", "katerini", "Katerini", "CM",
      ("Κατερίνη", "Katerini", "60100"), "23510", 85851,
      [district("Κορινός", "Korinos", "60100")]),
    m("Κοζάνης", "Κοζάνης", "kozani", "Kozani", "WM",
      ("Κοζάνη", "Kozani", "50100"), "24610", 71388, [numbered("50132")]),
    m("Λαμιέων", "Λαμιέων", "lamia", "Lamia", "CG",
      ("Λαμία", "Lamia", "35100"), "22310", 75315, [numbered("35132")]),
    m("Λαρισαίων", "Λαρισαίων", "larissa", "Larissa", "TH",
      ("Λάρισα", "Larissa", "41222"), "2410", 162591,
      [district("Νεάπολη", "Neapoli", "41334", in_seat=True),
       district("Γιάννουλη", "Giannouli", "41500"),
       district("Κοιλάδα", "Koilada", "41500")]),
    m("Λεβαδέων", "Λεβαδέων", "livadeia", "Livadeia", "CG",
      ("Λιβαδειά", "Livadeia", "32100"), "22610", 31315),
    m("Λοκρών", "Λοκρών", "lokroi", "Lokroi", "CG",
      ("Αταλάντη", "Atalanti", "35200"), "22330", 19623),
    m("Μαρκοπούλου", "Μαρκοπούλου Μεσογαίας", "markopoulo-mesogaias",
      "Markopoulo Mesogaias", "ATT",
      ("Μαρκόπουλο Μεσογαίας", "Markopoulo Mesogaias", "19003"), "22990", 20040),
    m("Μεταμόρφωσης", "Μεταμόρφωσης", "metamorfosi", "Metamorfosi", "ATT",
      ("Μεταμόρφωση", "Metamorfosi", "14452"), "21028", 29891),
    m("Μονεμβασιάς", "Μονεμβασιάς", "monemvasia", "Monemvasia", "PEL",
      ("Μολάοι", "Molaoi", "23052"), "27320", 21056),
    m("Νέας Ζίχνης", "Νέας Ζίχνης", "nea-zichni", "Nea Zichni", "CM",
      ("Νέα Ζίχνη", "Nea Zichni", "62042"), "23240", 12000),
    m("Νέστου", "Νέστου", "nestos", "Nestos", "EMT",
      ("Χρυσούπολη", "Chrysoupoli", "64200"), "25910", 22000),
    m("Νικ. Σκουφά", "Νικολάου Σκουφά", "nikolaos-skoufas", "Nikolaos Skoufas", "EP",
      ("Πέτα", "Peta", "47200"), "26810", 12000),
    m("Νότιας Κέρκυρας", "Νότιας Κέρκυρας", "south-corfu", "South Corfu", "ION",
      ("Λευκίμμη", "Lefkimmi", "49080"), "26620", 13000),
    m("Νοτίου Πηλίου", "Νοτίου Πηλίου", "south-pelion", "South Pelion", "TH",
      ("Αργαλαστή", "Argalasti", "37006"), "24230", 10000),
    m("Ξάνθης", "Ξάνθης", "xanthi", "Xanthi", "EMT",
      ("Ξάνθη", "Xanthi", "67100"), "25410", 65133, [numbered("67132")]),
    m("Ξηρομέρου", "Ξηρομέρου", "xiromero", "Xiromero", "WG",
      ("Αστακός", "Astakos", "30006"), "26460", 11000),
    m("Παιονίας", "Παιονίας", "paionia", "Paionia", "CM",
      ("Πολύκαστρο", "Polykastro", "61200"), "23430", 28000),
    m("Πετρούπολης", "Πετρούπολης", "petroupoli", "Petroupoli", "ATT",
      ("Πετρούπολη", "Petroupoli", "13231"), "21050", 58979, [numbered("13232")]),
    m("Ραφήνας – Πικερμίου", "Ραφήνας – Πικερμίου", "rafina-pikermi", "Rafina – Pikermi", "ATT",
      ("Ραφήνα", "Rafina", "19009"), "22940", 20266,
      [district("Πικέρμι", "Pikermi", "19009")]),
    m("Σιντικής", "Σιντικής", "sintiki", "Sintiki", "CM",
      ("Σιδηρόκαστρο", "Sidirokastro", "62300"), "23230", 25000),
    m("Στυλίδας", "Στυλίδας", "stylida", "Stylida", "CG",
      ("Στυλίδα", "Stylida", "35300"), "22380", 12000),
    m("Ύδρας", "Ύδρας", "hydra", "Hydra", "ATT",
      ("Ύδρα", "Hydra", "18040"), "22980", 1966),
]

# Synthetic street names, (kind, name); kind "" is a plain street.
STREETS = [
    ("", "Ελευθερίου Βενιζέλου"), ("", "Εθνικής Αντιστάσεως"), ("", "28ης Οκτωβρίου"),
    ("", "25ης Μαρτίου"), ("", "Κωνσταντινουπόλεως"), ("", "Αγίου Δημητρίου"),
    ("", "Αγίου Νικολάου"), ("", "Παπαφλέσσα"), ("", "Κολοκοτρώνη"), ("", "Μιαούλη"),
    ("", "Κανάρη"), ("", "Μεγάλου Αλεξάνδρου"), ("", "Ηρώων Πολυτεχνείου"),
    ("", "Αριστοτέλους"), ("", "Σαλαμίνος"), ("", "Νικολάου Πλαστήρα"), ("", "Ελευθερίας"),
    ("", "Καραϊσκάκη"), ("", "Μάρκου Μπότσαρη"), ("", "Ευαγγελιστρίας"),
    ("", "Θεμιστοκλέους"), ("", "Περικλέους"), ("", "Ομονοίας"), ("", "Αθηνών"),
    ("", "Γεωργίου Παπανδρέου"), ("", "Δαβάκη"), ("", "Ιωάννου Καποδιστρίου"),
    ("Πλατεία", "Δημαρχείου"), ("Πλατεία", "Ελευθερίας"), ("Πλατεία", "Αγίου Γεωργίου"),
    ("Λεωφόρος", "Δημοκρατίας"), ("Λεωφόρος", "Ειρήνης"),
]
STREET_KIND_EN = {"": "", "Πλατεία": " Square", "Λεωφόρος": " Avenue"}

HOURS_NORMAL = ("07:30", "15:00")
HOURS_SEED = 743          # fixed seed for choosing the KEPs with other hours
HOURS_VARIANTS = (        # (count, description) of the ~10 % that differ
    (6, "close_1430"), (5, "open_0800"), (3, "0800_1430"), (4, "afternoon_shift"),
)

# --- ELOT 743 transliteration -------------------------------------------------

_LETTERS = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th",
    "ι": "i", "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p",
    "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps",
    "ω": "o",
}
_VOICELESS = set("θκξπστφχψ")
_GREEK = set(_LETTERS)


def _bare(ch):
    """Lowercase letter without accent; keeps the diaeresis as a flag."""
    decomposed = unicodedata.normalize("NFD", ch.lower())
    return decomposed[0], "\u0308" in decomposed


def elot743(text):
    """Transliterate Greek to Latin after ELOT 743 (ISO 843 type 2)."""
    out_words = []
    for word in text.split(" "):
        chars = [_bare(c) for c in word]
        base = [c for c, _ in chars]
        res = []
        i = 0
        while i < len(base):
            c, nxt = base[i], base[i + 1] if i + 1 < len(base) else ""
            nxt_diaeresis = chars[i + 1][1] if nxt else False
            at_start = i == 0 or base[i - 1] not in _GREEK
            at_end = i + 2 >= len(base) or base[i + 2] not in _GREEK
            if c in "αεη" and nxt == "υ" and not nxt_diaeresis:
                after = base[i + 2] if i + 2 < len(base) else ""
                voiceless = after in _VOICELESS or after not in _GREEK
                res.append(_LETTERS[c] + ("f" if voiceless else "v"))
                i += 2
            elif c == "ο" and nxt == "υ" and not nxt_diaeresis:
                res.append("ou")
                i += 2
            elif c == "μ" and nxt == "π" and (at_start or at_end):
                res.append("b")
                i += 2
            elif c == "γ" and nxt in ("γ", "ξ", "χ"):
                res.append("n" + _LETTERS[nxt])
                i += 2
            elif c in _LETTERS:
                res.append(_LETTERS[c])
                i += 1
            else:
                res.append(word[i])
                i += 1
        latin = "".join(res)
        if word and word[0].isupper() and latin:
            latin = latin[0].upper() + latin[1:]
        out_words.append(latin)
    return " ".join(out_words)


# --- helpers -----------------------------------------------------------------

def sort_key_el(text):
    """Greek sort key that ignores accents, diaeresis, case and final sigma."""
    stripped = "".join(c for c in unicodedata.normalize("NFD", text)
                       if not unicodedata.combining(c))
    return stripped.lower().replace("ς", "σ")


def digest(*parts):
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def pick(seq, *parts):
    return seq[int(digest(*parts)[:8], 16) % len(seq)]


def ordinal_en(n):
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


def phone_for(prefix, kep_id, taken):
    """A synthetic 10-digit Greek landline in the area's prefix, shown 3-3-4."""
    salt = 0
    while True:
        h = digest("phone", kep_id, str(salt))
        digits = "".join(str(int(h[k:k + 2], 16) % 10) for k in range(0, 40, 2))
        number = (prefix + digits)[:10]
        if number not in taken:
            taken.add(number)
            return f"+30 {number[:3]} {number[3:6]} {number[6:]}"
        salt += 1


def address_for(kep_id, is_main):
    kind, name = pick(STREETS, "street", kep_id)
    if is_main and int(digest("townhall", kep_id)[:2], 16) < 64:
        kind, name = "Πλατεία", "Δημαρχείου"
    span = 20 if kind else 140
    number = 1 + int(digest("number", kep_id)[:6], 16) % span
    el = f"{kind + ' ' if kind else ''}{name} {number}"
    en = f"{number} {elot743(name)}{STREET_KIND_EN[kind]}"
    return el, en


def is_joint_name(gen):
    return " – " in gen


def kep_names(mun, index, more):
    """Greek and English names of a municipality's KEP number `index` (1-based)."""
    short_en = mun.en.split(" (")[0] if mun.label is None else mun.label[1]
    if index == 1:
        return f"ΚΕΠ Δήμου {mun.gen}", f"KEP of the Municipality of {mun.en}"
    if more.el is None:
        return (f"{index}ο ΚΕΠ Δήμου {mun.gen}",
                f"{ordinal_en(index)} KEP of the Municipality of {mun.en}")
    if mun.label:
        return f"ΚΕΠ {mun.label[0]} – {more.el}", f"KEP {mun.label[1]} – {more.en}"
    if is_joint_name(mun.gen):
        return (f"ΚΕΠ Δήμου {mun.gen} ({more.el})",
                f"KEP of the Municipality of {mun.en} ({more.en})")
    return f"ΚΕΠ {mun.gen} – {more.el}", f"KEP {short_en} – {more.en}"


def allocate_employees(weights, total, low, high):
    """Integer counts in [low, high] summing to total, roughly proportional
    to the weights (capped water-filling, then largest remainder)."""
    n = len(weights)
    if not low * n <= total <= high * n:
        raise ValueError("total out of range")
    extra_cap = high - low
    share = [0.0] * n
    free = set(range(n))
    remaining = float(total - low * n)
    while free:
        wsum = sum(weights[i] for i in free)
        capped = [i for i in free if remaining * weights[i] / wsum > extra_cap]
        if not capped:
            for i in free:
                share[i] = remaining * weights[i] / wsum
            break
        for i in capped:
            share[i] = extra_cap
            remaining -= extra_cap
            free.discard(i)
    counts = [low + int(s) for s in share]
    left = total - sum(counts)
    order = sorted(range(n), key=lambda i: (-(share[i] - int(share[i])), i))
    for i in order:
        if left == 0:
            break
        if counts[i] < high:
            counts[i] += 1
            left -= 1
    assert left == 0
    return counts


def opening_hours(variant, kep_id):
    opens, closes = HOURS_NORMAL
    if variant == "close_1430":
        closes = "14:30"
    elif variant == "open_0800":
        opens = "08:00"
    elif variant == "0800_1430":
        opens, closes = "08:00", "14:30"
    late_day = int(digest("late", kep_id)[:4], 16) % 5 if variant == "afternoon_shift" else None
    hours = []
    for weekday in range(5):
        if weekday == late_day:
            hours.append({"weekday": weekday, "opens": "12:00", "closes": "20:00"})
        else:
            hours.append({"weekday": weekday, "opens": opens, "closes": closes})
    return hours


# --- build -------------------------------------------------------------------

def load_seed(path):
    with open(path, encoding="utf-8") as fh:
        seed = json.load(fh)
    joined = {}
    for key, date in JOIN_DATES.items():
        for name in seed[key]:
            if name in joined:
                raise SystemExit(f"seed name listed twice: {name}")
            joined[name] = date
    return joined


def build(seed_path):
    joined = load_seed(seed_path)
    table = {row.seed: row for row in MUNICIPALITIES}
    if len(table) != len(MUNICIPALITIES):
        raise SystemExit("duplicate seed name in MUNICIPALITIES")
    missing, unknown = set(joined) - set(table), set(table) - set(joined)
    if missing or unknown:
        raise SystemExit(f"seed/table mismatch: missing={sorted(missing)} unknown={sorted(unknown)}")

    rows = sorted(MUNICIPALITIES, key=lambda r: sort_key_el(r.gen))
    municipalities = []
    keps = []
    for mun in rows:
        region_el, region_en = REGIONS[mun.region]
        municipalities.append({
            "id": mun.slug,
            "seed_name": mun.seed,
            "name_el": f"Δήμος {mun.gen}",
            "name_en": f"Municipality of {mun.en}",
            "region_el": region_el,
            "region_en": region_en,
            "joined": joined[mun.seed],
        })
        seat_el, seat_en, seat_pc = mun.seat
        entries = [None] + list(mun.more)
        per_kep_pop = mun.pop / len(entries)
        mun_keps = []
        for index, more in enumerate(entries, start=1):
            kep_id = f"kep-{mun.slug}-{index}"
            name_el, name_en = kep_names(mun, index, more)
            if more is None or more.in_seat:
                town_el, town_en = seat_el, seat_en
            else:
                town_el, town_en = more.el, more.en
            postcode = (more.postcode if more is not None and more.postcode else seat_pc)
            addr_el, addr_en = address_for(kep_id, index == 1)
            mun_keps.append({
                "id": kep_id,
                "municipality_id": mun.slug,
                "code": None,
                "name_el": name_el,
                "name_en": name_en,
                "address_el": addr_el,
                "address_en": addr_en,
                "postcode": postcode,
                "town_el": town_el,
                "town_en": town_en,
                "phone": mun.phone,          # replaced below
                "opening_hours": None,
                "employees": None,
                "_weight": (per_kep_pop ** 0.7) * (1.25 if index == 1 else 1.0),
            })
        mun_keps.sort(key=lambda k: (sort_key_el(k["name_el"]), k["id"]))
        keps.extend(mun_keps)

    if len(keps) != TOTAL_KEPS:
        raise SystemExit(f"{len(keps)} KEPs, expected {TOTAL_KEPS}")

    taken = set()
    for number, kep in enumerate(keps, start=1):
        kep["code"] = f"{number:03d}"
        kep["phone"] = phone_for(kep["phone"], kep["id"], taken)

    counts = allocate_employees([k.pop("_weight") for k in keps],
                                TOTAL_EMPLOYEES, MIN_EMPLOYEES, MAX_EMPLOYEES)
    for kep, count in zip(keps, counts, strict=True):
        kep["employees"] = count

    rng = random.Random(HOURS_SEED)
    chosen = rng.sample(sorted(k["id"] for k in keps), sum(n for n, _ in HOURS_VARIANTS))
    variant_of = {}
    it = iter(chosen)
    for n, variant in HOURS_VARIANTS:
        for _ in range(n):
            variant_of[next(it)] = variant
    for kep in keps:
        kep["opening_hours"] = opening_hours(variant_of.get(kep["id"]), kep["id"])

    return {
        "source": ("Municipality names (seed_name) and join dates: shared/seed/municipalities.json, "
                   "taken from the joint ministerial decision 20530 ΕΞ 2020 (ΦΕΚ Β' 3030/21.7.2020) "
                   "and the ministry's announcements of 2020-11-10 and 2020-11-23. Regions and "
                   "English names: the real ones. Generated by build_places.py."),
        "note": ("Sandbox reference data. The 112 municipalities are real (the seed names 112 of "
                 "the programme's 137). Every KEP record is SYNTHETIC sample data: the split of "
                 "180 KEPs over the municipalities, KEP names after the first, addresses, "
                 "postcodes, phone numbers, opening hours and employee counts (summing to the "
                 "programme's 870 trained employees). Do not use them to contact anyone."),
        "municipalities": municipalities,
        "keps": keps,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=Path, default=None, help="path to municipalities.json")
    parser.add_argument("--out", type=Path, default=HERE / "places.json")
    args = parser.parse_args(argv)
    seed_path = args.seed or find_seed()
    if seed_path is None:
        raise SystemExit("seed not found; pass --seed PATH")
    data = build(seed_path)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}: {len(data['municipalities'])} municipalities, "
          f"{len(data['keps'])} KEPs, {sum(k['employees'] for k in data['keps'])} employees")
    return 0


if __name__ == "__main__":
    sys.exit(main())
