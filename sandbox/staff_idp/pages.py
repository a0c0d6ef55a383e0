"""The staff sign-in stand-in's pages: Jinja templates and their words in Greek and English.

Kept in Python, as sandbox.gsis does, so that the package needs no package
data. The pages need no JavaScript and carry no inline script or style; they
use the GOV.GR design system's classes, with digigov.css served by the
frontend on the same origin, and a small stylesheet of this app's own.
"""

from __future__ import annotations

LANGUAGES = ("el", "en")
LANGUAGE_NAMES = {"el": "Ελληνικά", "en": "English"}

TEXT = {
    "el": {
        "site": "Σύνδεση δημοσίων υπαλλήλων",
        "sandbox_tag": "Δοκιμαστικό",
        "sandbox_banner": "Υποκατάστατο της σύνδεσης δημοσίων υπαλλήλων για δοκιμές. Δεν είναι η πραγματική "
                          "υπηρεσία.",
        "skip": "Μετάβαση στο κύριο περιεχόμενο",
        "language": "Γλώσσα",
        "signin_heading": "Σύνδεση δημοσίων υπαλλήλων",
        "signin_intro": "Η υπηρεσία myKEPlive ζητά να επιβεβαιώσει την ταυτότητά σας, για να μπείτε στον χώρο "
                        "εργαζομένων ΚΕΠ.",
        "sandbox_warning": "Αυτή η σελίδα είναι δοκιμαστικό υποκατάστατο για προγραμματιστές και δοκιμές. Μη γράψετε "
                           "εδώ τους πραγματικούς σας κωδικούς.",
        "warning": "Προσοχή",
        "username": "Όνομα χρήστη",
        "password": "Κωδικός",
        "username_hint": "Χρησιμοποιήστε έναν από τους δοκιμαστικούς λογαριασμούς του πίνακα πιο κάτω.",
        "submit": "Σύνδεση",
        "cancel": "Ακύρωση και επιστροφή στην υπηρεσία",
        "error": "Σφάλμα",
        "problem": "Υπάρχει πρόβλημα",
        "enter_username": "Γράψτε το όνομα χρήστη σας",
        "enter_password": "Γράψτε τον κωδικό σας",
        "wrong_credentials": "Το όνομα χρήστη ή ο κωδικός δεν είναι σωστά",
        "wrong_credentials_help": "Ελέγξτε ότι τα κεφαλαία γράμματα (Caps Lock) δεν είναι ενεργά και ότι γράφετε "
                                  "με λατινικούς χαρακτήρες. Σε αυτό το δοκιμαστικό υποκατάστατο, οι λογαριασμοί και "
                                  "ο κωδικός τους είναι στον πίνακα «Δοκιμαστικοί λογαριασμοί» πιο κάτω.",
        "expired_form": "Η σελίδα σύνδεσης έληξε. Γράψτε ξανά το όνομα χρήστη και τον κωδικό σας.",
        "users_heading": "Δοκιμαστικοί λογαριασμοί",
        "users_intro": "Όλοι έχουν τον ίδιο κωδικό. Ο ρόλος του καθενός στο myKEPlive δεν είναι εδώ: τον κρατά η "
                       "υπηρεσία προγραμματισμού ραντεβού, με το ίδιο αναγνωριστικό (sub).",
        "col_username": "Όνομα χρήστη",
        "col_password": "Κωδικός",
        "col_name": "Ονοματεπώνυμο (name)",
        "col_email": "Email (email)",
        "col_case": "Περίπτωση",
        "bad_request_heading": "Το αίτημα σύνδεσης δεν είναι έγκυρο",
        "bad_request_body": "Η υπηρεσία που σας έστειλε εδώ έστειλε αίτημα που δεν μπορεί να γίνει δεκτό. "
                            "Δεν σας στείλαμε πίσω σε αυτήν, γιατί η διεύθυνση επιστροφής δεν είναι "
                            "επιβεβαιωμένη.",
        "details": "Λεπτομέρειες για προγραμματιστές:",
        "signed_out_heading": "Αποσυνδεθήκατε",
        "signed_out_body": "Αποσυνδεθήκατε από τη σύνδεση δημοσίων υπαλλήλων. Αν ο υπολογιστής είναι κοινόχρηστος, "
                           "κλείστε το πρόγραμμα περιήγησης.",
    },
    "en": {
        "site": "Public servants' sign-in",
        "sandbox_tag": "Sandbox",
        "sandbox_banner": "A stand-in for the public servants' sign-in, for testing. It is not the real service.",
        "skip": "Skip to main content",
        "language": "Language",
        "signin_heading": "Sign in as a public servant",
        "signin_intro": "The myKEPlive service asks to confirm who you are, so that you can enter the KEP staff area.",
        "sandbox_warning": "This page is a sandbox stand-in, for developers and tests. Do not enter your real "
                           "credentials here.",
        "warning": "Warning",
        "username": "Username",
        "password": "Password",
        "username_hint": "Use one of the test accounts in the table below.",
        "submit": "Sign in",
        "cancel": "Cancel and return to the service",
        "error": "Error",
        "problem": "There is a problem",
        "enter_username": "Enter your username",
        "enter_password": "Enter your password",
        "wrong_credentials": "The username or password is not right",
        "wrong_credentials_help": "Check that Caps Lock is off and that you are typing in Latin letters. In this "
                                  "sandbox stand-in, the accounts and their password are in the table "
                                  "“Test accounts” below.",
        "expired_form": "The sign-in page expired. Enter your username and password again.",
        "users_heading": "Test accounts",
        "users_intro": "They all have the same password. What each may do in myKEPlive is not here: the scheduling "
                       "service keeps it, under the same identifier (sub).",
        "col_username": "Username",
        "col_password": "Password",
        "col_name": "Full name (name)",
        "col_email": "Email (email)",
        "col_case": "Case",
        "bad_request_heading": "The sign-in request is not valid",
        "bad_request_body": "The service that sent you here made a request that cannot be accepted. "
                            "We did not send you back to it, because its return address is not confirmed.",
        "details": "Details for developers:",
        "signed_out_heading": "You have signed out",
        "signed_out_body": "You have signed out of the public servants' sign-in. If the computer is shared, close "
                           "the browser.",
    },
}

BASE = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex, nofollow">
  <title>{% if errors %}{{ t.error }}: {% endif %}{{ heading }} – {{ t.site }} ({{ t.sandbox_tag }})</title>
  <link rel="stylesheet" href="/static/vendor/fonts/roboto.css">
  <link rel="stylesheet" href="/static/vendor/digigov/digigov.css">
  <link rel="stylesheet" href="{{ url_for('stylesheet') }}">
</head>
<body>
  <a href="#main-content" class="govgr--skip-link">{{ t.skip }}</a>
  <div class="govgr-layout-wrapper">
    <header>
      <div class="govgr-header">
        <div class="govgr-header__container">
          <div class="govgr-header__content">
            <span class="govgr-header-title idp-header-title">{{ t.site }}</span>
          </div>
          <nav class="idp-language-switch" aria-label="{{ t.language }}">
            <ul class="idp-language-switch__list">
              {%- for code, name, href in language_links %}
              <li class="idp-language-switch__item">
                {%- if code == lang %}
                <span class="idp-language-switch__current" aria-current="true" lang="{{ code }}">{{ name }}</span>
                {%- else %}
                <a class="govgr-header-link idp-language-switch__link" href="{{ href }}"
                   hreflang="{{ code }}" lang="{{ code }}">{{ name }}</a>
                {%- endif %}
              </li>
              {%- endfor %}
            </ul>
          </nav>
        </div>
      </div>
      <div class="govgr-width-container">
        <div class="govgr-phase-banner govgr-phase-banner__underline">
          <p class="govgr-phase-banner__content">
            <strong class="govgr-phase-banner__content__tag">{{ t.sandbox_tag }}</strong>
            <span class="govgr-phase-banner__text">{{ t.sandbox_banner }}</span>
          </p>
        </div>
      </div>
    </header>
    <div class="govgr-width-container idp-page">
      <main id="main-content" class="govgr-main-wrapper" tabindex="-1">
        {% block main %}{% endblock %}
      </main>
    </div>
  </div>
</body>
</html>"""

SIGNIN = """{% extends "base.html" %}
{% block main %}
<div class="govgr-grid-column-two-thirds">
  {%- if errors %}
  {#- No script moves focus here: `autofocus` does, so the summary is read first. #}
  <div class="govgr-error-summary idp-error-summary" tabindex="-1" autofocus
       role="region" aria-labelledby="error-summary-title">
    <h2 class="govgr-heading-m" id="error-summary-title">{{ t.problem }}</h2>
    <div role="alert">
      <ul class="govgr-list">
        {%- for error in errors %}
        <li><a class="govgr-link" href="#{{ error.field }}">{{ error.message }}</a></li>
        {%- endfor %}
      </ul>
      {%- for error in errors if error.help %}
      <p class="govgr-body">{{ error.help }}</p>
      {%- endfor %}
    </div>
  </div>
  {%- endif %}
  <h1 class="govgr-heading-xl">{{ heading }}</h1>
  <p class="govgr-body">{{ t.signin_intro }}</p>
  <div class="govgr-warning-text">
    <span class="govgr-warning-text__icon" aria-hidden="true">!</span>
    <strong class="govgr-warning-text__text">
      <span class="govgr-warning-text__assistive">{{ t.warning }}: </span>{{ t.sandbox_warning }}
    </strong>
  </div>
  <form method="post" action="{{ form_action }}" class="govgr-form" novalidate>
    <input type="hidden" name="csrf_token" value="{{ csrf_token }}">
    {%- set username_error = field_errors.get("username") %}
    <div class="govgr-field{% if username_error %} govgr-field__error{% endif %}">
      <label class="govgr-label" for="username">{{ t.username }}</label>
      <p class="govgr-hint" id="username-hint">{{ t.username_hint }}</p>
      {%- if username_error %}
      <p class="govgr-error-message"
         id="username-error"><span class="govgr-visually-hidden">{{ t.error }}:</span> {{ username_error }}</p>
      {%- endif %}
      <input class="govgr-input govgr-input--width-20{% if username_error %} govgr-error-input{% endif %}"
             id="username" name="username" type="text" value="{{ username }}"
             autocomplete="username" autocapitalize="none" spellcheck="false"
             aria-describedby="username-hint{% if username_error %} username-error{% endif %}">
    </div>
    {%- set password_error = field_errors.get("password") %}
    <div class="govgr-field{% if password_error %} govgr-field__error{% endif %}">
      <label class="govgr-label" for="password">{{ t.password }}</label>
      {%- if password_error %}
      <p class="govgr-error-message"
         id="password-error"><span class="govgr-visually-hidden">{{ t.error }}:</span> {{ password_error }}</p>
      {%- endif %}
      <input class="govgr-input govgr-input--width-20{% if password_error %} govgr-error-input{% endif %}"
             id="password" name="password" type="password" autocomplete="current-password"
             {%- if password_error %} aria-describedby="password-error"{% endif %}>
    </div>
    <div class="idp-actions">
      <button type="submit" class="govgr-btn govgr-btn-primary">{{ t.submit }}</button>
      <a class="govgr-link" href="{{ cancel_url }}">{{ t.cancel }}</a>
    </div>
  </form>
</div>
<div class="idp-full-width">
  <h2 class="govgr-heading-l" id="test-accounts">{{ t.users_heading }}</h2>
  <p class="govgr-body">{{ t.users_intro }}</p>
  <div class="idp-table-scroll" role="region" aria-labelledby="test-accounts" tabindex="0">
  <table class="govgr-table">
    <caption class="govgr-visually-hidden">{{ t.users_heading }}</caption>
    <thead class="govgr-table__head">
      <tr class="govgr-table__row">
        <th scope="col" class="govgr-table__header">{{ t.col_username }}</th>
        <th scope="col" class="govgr-table__header">{{ t.col_password }}</th>
        <th scope="col" class="govgr-table__header">{{ t.col_name }}</th>
        <th scope="col" class="govgr-table__header">{{ t.col_email }}</th>
        <th scope="col" class="govgr-table__header">{{ t.col_case }}</th>
      </tr>
    </thead>
    <tbody class="govgr-table__body">
      {%- for account in accounts %}
      <tr class="govgr-table__row">
        <th scope="row" class="govgr-table__header"><code lang="en">{{ account.username }}</code></th>
        <td class="govgr-table__cell"><code lang="en">{{ account.password }}</code></td>
        <td class="govgr-table__cell" lang="el">{{ account.name }}</td>
        <td class="govgr-table__cell"><code lang="en">{{ account.email }}</code></td>
        <td class="govgr-table__cell">{{ account.case_el if lang == "el" else account.case_en }}</td>
      </tr>
      {%- endfor %}
    </tbody>
  </table>
  </div>
</div>
{% endblock %}"""

PROBLEM = """{% extends "base.html" %}
{% block main %}
<div class="govgr-grid-column-two-thirds">
  <h1 class="govgr-heading-xl">{{ heading }}</h1>
  <p class="govgr-body">{{ body }}</p>
  {%- if details %}
  <p class="govgr-body">{{ t.details }} <code lang="en">{{ details }}</code></p>
  {%- endif %}
</div>
{% endblock %}"""

TEMPLATES = {"base.html": BASE, "signin.html": SIGNIN, "problem.html": PROBLEM}

STYLESHEET = """/* The staff sign-in stand-in's own styles, on top of digigov.css (no inline styles: CSP). */
.govgr-header__container { flex-wrap: wrap; }
.idp-header-title { display: inline-flex; gap: 0.5rem; }
.idp-language-switch__list { display: flex; gap: 1rem; margin: 0; padding: 0; list-style: none; }
.idp-language-switch__item { margin: 0; }
.idp-language-switch__link,
.idp-language-switch__current {
  display: inline-block;
  min-height: 24px;
  min-width: 24px;
  padding: 0.25rem 0.125rem;
  color: #fff;
  font-size: 1rem;
  line-height: 1.5;
}
.idp-language-switch__link { text-decoration: underline; text-underline-offset: 0.2em; }
.idp-language-switch__link:hover { text-decoration-thickness: 3px; }
.idp-language-switch__current { font-weight: 700; }
.idp-language-switch__link:focus {
  outline: none;
  background-color: #ffdd00;
  color: #0b0c0c;
  box-shadow: 0 -2px #ffdd00, 0 4px #0b0c0c;
  text-decoration: none;
}
.idp-page { padding-top: 0.5rem; padding-bottom: 2rem; }
main:focus { outline: none; }
.idp-error-summary:focus { outline: 4px solid #ffdd00; outline-offset: 0; }
.idp-actions { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: center; }
.idp-actions .govgr-btn { margin: 0; }
.govgr-link { display: inline-block; min-height: 24px; }
.govgr-error-summary .govgr-link, p .govgr-link { display: inline; }
.idp-full-width { grid-column: 1 / -1; }
.idp-table-scroll { overflow-x: auto; }
.idp-table-scroll:focus { outline: 3px solid #ffdd00; }
.govgr-table { width: 100%; }
main { overflow-wrap: break-word; }
@media (forced-colors: active) {
  a:focus, button:focus, input:focus, .idp-table-scroll:focus { outline: 3px solid CanvasText; }
}
"""
