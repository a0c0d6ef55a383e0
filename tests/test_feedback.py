"""The accessibility feedback form: it works, it explains errors, it loses nothing."""

from tests.page_checks import text_of


def test_feedback_is_emailed_and_the_citizen_is_thanked(client_request, outbox):
    client_request.use_language("en")
    response = client_request.post(
        "/feedback",
        {"problem": "The search box is not announced", "page": "Municipalities", "email": "maria@example.com"},
        expected_status=303,
    )
    assert response.headers["Location"] == "/feedback/sent"
    [message] = outbox.messages()
    assert message["to"] == ["accessibility@mykeplive.example"]
    assert "The search box is not announced" in message["text"]
    assert message["reply_to"] == "maria@example.com"


def test_an_empty_problem_is_explained_at_the_top_and_at_the_field(client_request, outbox):
    client_request.use_language("el")
    page = client_request.post("/feedback", {"problem": "", "email": "not-an-email"})
    assert page.title.get_text().startswith("Σφάλμα: ")
    summary = page.find(attrs={"data-error-summary": True})
    assert text_of(summary.h2) == "Υπάρχει πρόβλημα"
    links = [(link["href"], text_of(link)) for link in summary.find_all("a")]
    assert links == [
        ("#problem", "Πείτε μας ποιο είναι το πρόβλημα"),
        ("#email", "Γράψτε μια διεύθυνση email στη σωστή μορφή, όπως name@example.com"),
    ]
    problem = page.find(id="problem")
    assert problem["aria-describedby"] == "problem-hint problem-error"
    assert text_of(page.find(id="problem-error")) == "Σφάλμα: Πείτε μας ποιο είναι το πρόβλημα"
    assert page.find(id="email")["value"] == "not-an-email"
    assert outbox.messages() == []


def test_when_mail_is_down_the_message_is_kept_on_the_page(client_request, app):
    app.config["SMTP_PORT"] = 9  # nothing listens on the discard port here
    client_request.use_language("en")
    page = client_request.post("/feedback", {"problem": "Please keep this text"})
    assert "We could not send your message just now" in text_of(page.find(attrs={"data-error-summary": True}))
    assert "Please keep this text" in page.find(id="problem").get_text()


def test_the_page_field_can_be_prefilled_from_a_link(client_request):
    page = client_request.get("/feedback?page=Accessibility+statement")
    assert page.find(id="page")["value"] == "Accessibility statement"
