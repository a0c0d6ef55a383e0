"""The sandbox's pages: Jinja templates and their words in Greek and English.

Kept in Python (as sandbox.outbox does) so that the package needs no package
data. The pages need no JavaScript and carry no inline script or style; they
use the GOV.GR design system's classes, with digigov.css served by the
frontend on the same origin, and a small stylesheet of this app's own.
"""

from __future__ import annotations

from markupsafe import Markup

LANGUAGES = ("el", "en")
LANGUAGE_NAMES = {"el": "Ελληνικά", "en": "English"}

TEXT = {
    "el": {
        "site": "Taxisnet",
        "sandbox_tag": "Δοκιμαστικό",
        "sandbox_banner": "Υποκατάστατο της σύνδεσης GSIS για δοκιμές. Δεν είναι το πραγματικό Taxisnet.",
        "skip": "Μετάβαση στο κύριο περιεχόμενο",
        "language": "Γλώσσα",
        "signin_heading": "Σύνδεση με κωδικούς Taxisnet",
        "signin_intro": "Η υπηρεσία myKEPlive ζητά να επιβεβαιώσει την ταυτότητά σας με τους κωδικούς "
                        "σας στο Taxisnet.",
        "sandbox_warning": "Αυτή η σελίδα είναι δοκιμαστικό υποκατάστατο του Taxisnet για "
                           "προγραμματιστές και δοκιμές. Μη γράψετε εδώ τους πραγματικούς σας κωδικούς.",
        "warning": "Προσοχή",
        "username": "Όνομα χρήστη",
        "password": "Κωδικός",
        "username_hint": "Χρησιμοποιήστε έναν από τους δοκιμαστικούς χρήστες του πίνακα πιο κάτω.",
        "submit": "Σύνδεση",
        "cancel": "Ακύρωση και επιστροφή στην υπηρεσία",
        "error": "Σφάλμα",
        "problem": "Υπάρχει πρόβλημα",
        "enter_username": "Γράψτε το όνομα χρήστη σας",
        "enter_password": "Γράψτε τον κωδικό σας",
        "wrong_credentials": "Το όνομα χρήστη ή ο κωδικός δεν είναι σωστά",
        "wrong_credentials_help": "Ελέγξτε ότι τα κεφαλαία γράμματα (Caps Lock) δεν είναι ενεργά και ότι γράφετε "
                                  "με λατινικούς χαρακτήρες. Σε αυτό το δοκιμαστικό υποκατάστατο, οι χρήστες και ο "
                                  "κωδικός τους είναι στον πίνακα «Δοκιμαστικοί χρήστες» πιο κάτω. Στο πραγματικό "
                                  "Taxisnet, αν ξεχάσατε τους κωδικούς σας, τους ανακτάτε στον ιστότοπο της ΑΑΔΕ "
                                  "(aade.gr).",
        "expired_form": "Η σελίδα σύνδεσης έληξε. Γράψτε ξανά το όνομα χρήστη και τον κωδικό σας.",
        "users_heading": "Δοκιμαστικοί χρήστες",
        "users_intro": "Όλοι έχουν τον ίδιο κωδικό. Οι τιμές φαίνονται όπως ακριβώς τις στέλνει το GSIS, "
                       "μέσα σε εισαγωγικά, με τα κενά τους.",
        "col_username": "Όνομα χρήστη",
        "col_password": "Κωδικός",
        "col_name": "Επώνυμο και όνομα",
        "col_taxid": "ΑΦΜ (taxid)",
        "col_case": "Περίπτωση",
        "bad_request_heading": "Το αίτημα σύνδεσης δεν είναι έγκυρο",
        "bad_request_body": "Η υπηρεσία που σας έστειλε εδώ έστειλε αίτημα που δεν μπορεί να γίνει δεκτό. "
                            "Δεν σας στείλαμε πίσω σε αυτήν, γιατί η διεύθυνση επιστροφής δεν είναι "
                            "επιβεβαιωμένη.",
        "details": "Λεπτομέρειες για προγραμματιστές:",
        "logout_heading": "Η αποσύνδεση δεν μπορεί να ολοκληρωθεί",
        "logout_body": "Η διεύθυνση επιστροφής λείπει ή δεν ανήκει στην υπηρεσία που ζήτησε την αποσύνδεση.",
    },
    "en": {
        "site": "Taxisnet",
        "sandbox_tag": "Sandbox",
        "sandbox_banner": "A stand-in for GSIS sign-in, for testing. It is not the real Taxisnet.",
        "skip": "Skip to main content",
        "language": "Language",
        "signin_heading": "Sign in with your Taxisnet credentials",
        "signin_intro": "The myKEPlive service asks to confirm who you are with your Taxisnet credentials.",
        "sandbox_warning": "This page is a sandbox stand-in for Taxisnet, for developers and tests. "
                           "Do not enter your real credentials here.",
        "warning": "Warning",
        "username": "Username",
        "password": "Password",
        "username_hint": "Use one of the test users in the table below.",
        "submit": "Sign in",
        "cancel": "Cancel and return to the service",
        "error": "Error",
        "problem": "There is a problem",
        "enter_username": "Enter your username",
        "enter_password": "Enter your password",
        "wrong_credentials": "The username or password is not right",
        "wrong_credentials_help": "Check that Caps Lock is off and that you are typing in Latin letters. In this "
                                  "sandbox stand-in, the users and their password are in the table “Test users” "
                                  "below. With the real Taxisnet, if you have forgotten your credentials, you "
                                  "recover them on the website of AADE, the Independent Authority for Public "
                                  "Revenue (aade.gr).",
        "expired_form": "The sign-in page expired. Enter your username and password again.",
        "users_heading": "Test users",
        "users_intro": "They all have the same password. Values are shown exactly as GSIS sends them, "
                       "in quotes, spaces included.",
        "col_username": "Username",
        "col_password": "Password",
        "col_name": "Surname and first name",
        "col_taxid": Markup('Tax number (<span lang="el">ΑΦΜ</span>, taxid)'),
        "col_case": "Case",
        "bad_request_heading": "The sign-in request is not valid",
        "bad_request_body": "The service that sent you here made a request that cannot be accepted. "
                            "We did not send you back to it, because its return address is not confirmed.",
        "details": "Details for developers:",
        "logout_heading": "Sign-out cannot be completed",
        "logout_body": "The return address is missing or does not belong to the service that asked "
                       "for the sign-out.",
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
            <span class="govgr-header-title gsis-header-title">
              <span lang="en">GSIS</span> <span lang="en">Taxisnet</span>
            </span>
          </div>
          <nav class="gsis-language-switch" aria-label="{{ t.language }}">
            <ul class="gsis-language-switch__list">
              {%- for code, name, href in language_links %}
              <li class="gsis-language-switch__item">
                {%- if code == lang %}
                <span class="gsis-language-switch__current" aria-current="true" lang="{{ code }}">{{ name }}</span>
                {%- else %}
                <a class="govgr-header-link gsis-language-switch__link" href="{{ href }}"
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
    <div class="govgr-width-container gsis-page">
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
  <div class="govgr-error-summary gsis-error-summary" tabindex="-1" autofocus
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
    <div class="gsis-actions">
      <button type="submit" class="govgr-btn govgr-btn-primary">{{ t.submit }}</button>
      <a class="govgr-link" href="{{ cancel_url }}">{{ t.cancel }}</a>
    </div>
  </form>
</div>
<div class="gsis-full-width">
  <h2 class="govgr-heading-l" id="test-users">{{ t.users_heading }}</h2>
  <p class="govgr-body">{{ t.users_intro }}</p>
  <div class="gsis-table-scroll" role="region" aria-labelledby="test-users" tabindex="0">
  <table class="govgr-table">
    <caption class="govgr-visually-hidden">{{ t.users_heading }}</caption>
    <thead class="govgr-table__head">
      <tr class="govgr-table__row">
        <th scope="col" class="govgr-table__header">{{ t.col_username }}</th>
        <th scope="col" class="govgr-table__header">{{ t.col_password }}</th>
        <th scope="col" class="govgr-table__header">{{ t.col_name }}</th>
        <th scope="col" class="govgr-table__header">{{ t.col_taxid }}</th>
        <th scope="col" class="govgr-table__header">{{ t.col_case }}</th>
      </tr>
    </thead>
    <tbody class="govgr-table__body">
      {%- for user in users %}
      <tr class="govgr-table__row">
        <th scope="row" class="govgr-table__header"><code lang="en">{{ user.username }}</code></th>
        <td class="govgr-table__cell"><code lang="en">{{ user.password }}</code></td>
        <td class="govgr-table__cell" lang="el"><code class="gsis-raw">"{{ user.userinfo.lastname }}"</code>
          {{- " " }}<code class="gsis-raw">"{{ user.userinfo.firstname }}"</code></td>
        <td class="govgr-table__cell"><code class="gsis-raw">"{{ user.userinfo.taxid }}"</code></td>
        <td class="govgr-table__cell">{{ user.case_el if lang == "el" else user.case_en }}</td>
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

STYLESHEET = """/* The GSIS sandbox's own styles, on top of digigov.css (no inline styles: CSP). */
.govgr-header__container { flex-wrap: wrap; }
.gsis-header-title { display: inline-flex; gap: 0.5rem; }
.gsis-language-switch__list { display: flex; gap: 1rem; margin: 0; padding: 0; list-style: none; }
.gsis-language-switch__item { margin: 0; }
.gsis-language-switch__link,
.gsis-language-switch__current {
  display: inline-block;
  min-height: 24px;
  min-width: 24px;
  padding: 0.25rem 0.125rem;
  color: #fff;
  font-size: 1rem;
  line-height: 1.5;
}
.gsis-language-switch__link { text-decoration: underline; text-underline-offset: 0.2em; }
.gsis-language-switch__link:hover { text-decoration-thickness: 3px; }
.gsis-language-switch__current { font-weight: 700; }
.gsis-language-switch__link:focus {
  outline: none;
  background-color: #ffdd00;
  color: #0b0c0c;
  box-shadow: 0 -2px #ffdd00, 0 4px #0b0c0c;
  text-decoration: none;
}
.gsis-page { padding-top: 0.5rem; padding-bottom: 2rem; }
main:focus { outline: none; }
.gsis-error-summary:focus { outline: 4px solid #ffdd00; outline-offset: 0; }
.gsis-actions { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: center; }
.gsis-actions .govgr-btn { margin: 0; }
.govgr-link { display: inline-block; min-height: 24px; }
.govgr-error-summary .govgr-link, p .govgr-link { display: inline; }
.gsis-full-width { grid-column: 1 / -1; }
.gsis-table-scroll { overflow-x: auto; }
.gsis-table-scroll:focus { outline: 3px solid #ffdd00; }
.govgr-table { width: 100%; }
.gsis-raw { white-space: pre; }
main { overflow-wrap: break-word; }
@media (forced-colors: active) {
  a:focus, button:focus, input:focus, .gsis-table-scroll:focus { outline: 3px solid CanvasText; }
}
"""
