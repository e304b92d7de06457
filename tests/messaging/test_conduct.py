"""The professional-conduct check, measured against labelled messages and pinned by unit tests.

`conduct_cases.tsv` was written before the detector; `conduct_holdout.tsv` after it reached its
target, without looking at its behaviour, to show whether it generalises. No database is needed.
"""

import time
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from messaging.conduct import Reason, check_message

HERE = Path(__file__).parent
CODES = ["payment_off_platform", "contact_email", "contact_phone", "contact_app"]


def load(name: str) -> list[tuple[bool, str]]:
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "label\ttext"
    rows = []
    for line in lines[1:]:
        if line.strip():
            label, text = line.split("\t", 1)
            assert label in ("0", "1"), line
            rows.append((label == "1", text))
    return rows


def measure(name: str) -> tuple[float, float]:
    rows = load(name)
    tp = fp = fn = 0
    for expected, text in rows:
        reasons = check_message(text)
        flagged = bool(reasons)
        tp += flagged and expected
        fp += flagged and not expected
        fn += expected and not flagged
        if flagged != expected:
            kind = "false positive" if flagged else "false negative"
            print(f"  {kind}: {text!r} -> {[r.code for r in reasons]}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"{name}: {len(rows)} messages, precision {precision:.3f}, recall {recall:.3f}")
    return precision, recall


def codes(text: str) -> list[str]:
    return [reason.code for reason in check_message(text)]


# ---------------------------------------------------------------------------------------------
# Against the labelled messages
# ---------------------------------------------------------------------------------------------


def test_labelled_set_is_a_fair_test():
    rows = load("conduct_cases.tsv")
    positives = sum(label for label, _ in rows)
    assert len(rows) >= 160
    assert 0.4 <= positives / len(rows) <= 0.6


def test_precision_and_recall_on_the_labelled_messages():
    precision, recall = measure("conduct_cases.tsv")
    assert precision >= 0.95
    assert recall >= 0.95


def test_precision_and_recall_on_the_held_out_messages():
    assert len(load("conduct_holdout.tsv")) >= 30
    precision, recall = measure("conduct_holdout.tsv")
    assert precision >= 0.85
    assert recall >= 0.85


# ---------------------------------------------------------------------------------------------
# The API
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", " ", "\n\t ", "\u200b"])
def test_empty_messages_are_fine(body):
    assert check_message(body) == []


def test_an_ordinary_message_is_fine():
    assert check_message("Hi! The first draft of the logo is in the workroom, let me know.") == []


def test_reasons_are_frozen_and_explain_themselves_to_the_sender():
    reasons = check_message(
        "pay me on paypal, email me at ana@gmail.com, call +1 415 555 0132, or add me on telegram"
    )
    assert [r.code for r in reasons] == CODES
    for reason in reasons:
        assert isinstance(reason, Reason)
        assert reason.text.startswith("This message seems to")
        assert "Tandem" in reason.text
        with pytest.raises(FrozenInstanceError):
            reason.code = "other"  # type: ignore[misc]
    assert reasons[0].text == (
        "This message seems to suggest paying outside Tandem. That breaks our terms, and what is "
        "agreed outside Tandem is not in the record a mediator sees."
    )
    # Tandem moves no money: no reason may promise a protection it does not give.
    assert not any("protect" in reason.text for reason in reasons)
    assert "contact details" in reasons[1].text


def test_at_most_one_reason_per_code_in_the_order_of_the_codes():
    body = (
        "add me on whatsapp or telegram. my numbers: +44 7700 900 456 and +1 (415) 555-0132. "
        "emails: a.b@gmail.com, c.d@yahoo.com. paypal me, or venmo me, or pay me directly."
    )
    assert codes(body) == CODES


# ---------------------------------------------------------------------------------------------
# Each reason
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "Can you pay me via PayPal instead? Saves us the fee.",
        "my venmo is @mike-designs, send the deposit there",
        "Zelle me the rest when you can",
        "I prefer a Wise transfer, it's cheaper",
        "TransferWise is best for me",
        "my cashapp is $JennyCodes",
        "send the $200 to $tomdev22",
        "Western Union to my name is fine",
        "send by MoneyGram please",
        "pay me on Payoneer directly",
        "Revolut me the balance",
        "my Skrill account is the same email",
        "I accept bitcoin, send it to my wallet",
        "send USDT (TRC20) to my wallet",
        "ETH: 0x52908400098527886E0F7030069857D2E4169EE7",
        "BTC address bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh",
        "Pay to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
        "My IBAN is DE89 3704 0044 0532 0130 00",
        "GB29NWBK60161331926819",
        "I'll send you my bank account and routing number",
        "Bank wire works, I'll send the SWIFT code",
        "just pay me directly",
        "let's do the payment outside the platform",
        "we can continue off the platform",
        "I have clients outside Upwork too, same here outside Tandem",
        "let's skip the fees, I'll pay you direct",
        "to avoid the fees just send it to me",
        "send the money to my brother's account",
        "send the money to my paypal, not through Tandem",
    ],
)
def test_payment_off_platform(body):
    assert "payment_off_platform" in codes(body)


@pytest.mark.parametrize(
    "body",
    [
        "email me at john.smith84@gmail.com",
        "anna_k at gmail dot com",
        "priya [at] outlook [dot] com",
        "dev.carlos(at)outlook.com",
        "mariana.silva{at}hotmail{dot}com",
        "rahul (dot) verma (at) gmail (dot) com",
        "my email: maria at gmail.com",
        "email: jess\uff20gmail.com",
        "what's your email? I'll send the files there",
    ],
)
def test_contact_email(body):
    assert "contact_email" in codes(body)


@pytest.mark.parametrize(
    "body",
    [
        "call me on +1 (415) 555-0132",
        "my number is 07700 900123",
        "+44 7700 900 456",
        "text me at 555.867.5309",
        "reach me on +91 98765 43210",
        "(212) 555 7890 after six",
        "my cell is 0412-345-678",
        "my number is five five five, one two three, four five six seven",
        "call: nine one seven two two four eight eight zero one",
        "my no. is 9 8 7 6 5 4 3 2 1 0",
        "double five five, one two three, four five six",
        "text me when you're free",
        "what's your number?",
    ],
)
def test_contact_phone(body):
    assert "contact_phone" in codes(body)


@pytest.mark.parametrize(
    "body",
    [
        "add me on WhatsApp",
        "my telegram is @olga_design",
        "t.me/fastcoder99",
        "https://wa.me/447700900456",
        "ping me on discord: pixelwolf#4821",
        "I'm on Discord as nightowl#0042",
        "add me on skype: live:markus.dev",
        "do you have WeChat? my id is lily_2020",
        "message me on Signal",
        "let's move this to WhatsApp",
        "can we continue on telegram?",
        "are you on Telegram?",
        "whatsapp me",
        "join my discord server: discord.gg/k8XmPq2",
    ],
)
def test_contact_app(body):
    assert "contact_app" in codes(body)


# ---------------------------------------------------------------------------------------------
# Obfuscations
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("p.a.y.p.a.l me the rest", "payment_off_platform"),
        ("p a y p a l me the rest", "payment_off_platform"),
        ("pay-pal me the rest", "payment_off_platform"),
        ("PayPaI me the rest", "payment_off_platform"),  # a capital i for the l
        ("payp4l me the rest", "payment_off_platform"),
        ("send it to my venm0", "payment_off_platform"),
        ("pay\u200bpal me the rest", "payment_off_platform"),  # zero-width space
        ("pay\u200dpal me the rest", "payment_off_platform"),  # zero-width joiner
        ("\uff50\uff41\uff59\uff50\uff41\uff4c me the rest", "payment_off_platform"),  # fullwidth
        ("p\u00e0yp\u00e1l me the rest", "payment_off_platform"),  # accents
        ("pa\u0301ypal me the rest", "payment_off_platform"),  # a combining accent
        ("\u0440aypal me the rest", "payment_off_platform"),  # a Cyrillic er
        ("wh@tsapp me", "contact_app"),
        ("W h a t s A p p me", "contact_app"),
        ("my tele gram is @ivan_dev", "contact_app"),
        ("tele\u200bgram me: @q_rocket", "contact_app"),
        ("can we talk on whatsap?", "contact_app"),
        ("name [at] gmail [dot] com", "contact_email"),
        ("name(at)outlook.com", "contact_email"),
        (
            "\uff0b\uff14\uff14 \uff17\uff17\uff10\uff10 \uff19\uff10\uff10 \uff14\uff15\uff16",
            "contact_phone",
        ),
    ],
)
def test_obfuscations_are_seen_through(body, code):
    assert code in codes(body)


# ---------------------------------------------------------------------------------------------
# Work talk, code and configuration
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        # payment services as the subject of the work
        "Can you integrate a PayPal checkout into my shop? Stripe too.",
        "The PayPal IPN webhook returns 500 in production",
        "I added the PayPal button, the sandbox works",
        "The Venmo API doesn't support that flow",
        "Add WeChat Pay and Cash App Pay as options in the checkout",
        "PayPal's fees are high, that's why we're switching the shop to Stripe",
        "For the crypto dashboard we show BTC and ETH prices",
        "The wise choice is Postgres",
        "Otherwise it looks great",
        "I'm working on the payment form, the IBAN field needs validation",
        "In `config.js` set CONTRACT_ADDRESS to 0x52908400098527886E0F7030069857D2E4169EE7",
        # payment on the platform
        "I'll release the milestone payment once approved",
        "the payment for milestone 2 is in escrow",
        "Please pay the invoice through Tandem",
        "Can you transfer the domain to my account at Namecheap?",
        "Please send the money to my account on Tandem, the milestone is done",
        "I'll pay you via Tandem as usual, no PayPal please",
        # apps as the subject of the work
        "Build a Telegram bot that posts new orders to our channel",
        "The WhatsApp Business API integration is done",
        "I'm building a Discord bot with discord.py",
        "the bot answers /start with t.me/our_shop_bot",
        "Signal handling in the worker: SIGTERM isn't caught",
        "My Skype broke so I'll miss the call",
        "my signal is weak here, sorry",
        # e-mail addresses in configuration
        'DEFAULT_FROM_EMAIL = "noreply@example.com"',
        "set the sender to alerts@company.com in settings.py",
        "EMAIL_HOST_USER=mailer@acme-corp.com in the .env file",
        "change the footer link to `support@ourshop.com`",
        "Customers get an email from orders@bakery-shop.com after checkout",
        "Let's look at stripe.com together, I'm at the office",
        # numbers that are not phone numbers
        "Updated Django to 5.2.1 and Python to 3.11.9",
        "Deadline is 2024-06-15, or 15/06/2024 at the latest",
        "timestamp 2024-03-05T10:30:00Z",
        "Budget is $1,500 for the whole thing, or 1500 EUR",
        "The total was 1 234 567 visits and 12,500.00 in revenue",
        "use #1a2b3c for the header and #ffffff for text",
        "order #100234567 failed; ticket #48213",
        "The API returns 404 and then 502",
        "the app runs on port 8000, redis on 6379",
        "call tomorrow at 10:30 on the workroom call?",
        "let's schedule a call",
        "requests.get(url, timeout=30000)",
        "uuid 550e8400-e29b-41d4-a716-446655440000",
        "fixed in 3f9a2c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a3f",
        "the staging server is 192.168.100.123",
        "firmware 10.4.2.1003",
        "Invoice INV-2024-000123 and tracking 1Z999AA10123456784",
        "Resolution 1920x1080 and 3840x2160",
        "the phone field should accept `+1 (555) 010-0199`",
        "The user can enter a phone number like 555 123 4567 in the form",
        "one two three four five six seven eight nine ten, the countdown starts",
        "My number one priority is the checkout page",
    ],
)
def test_work_talk_is_fine(body):
    assert check_message(body) == []


def test_an_address_in_code_is_exempt_but_not_one_shared_in_prose():
    assert check_message("`DEFAULT_FROM_EMAIL = 'ana@gmail.com'`") == []
    assert check_message("```\nSERVER_EMAIL = 'ana@gmail.com'\n```") == []
    assert codes("Write to me at ana@gmail.com") == ["contact_email"]
    assert codes("My email is ana@gmail.com, not the one in settings") == ["contact_email"]


def test_a_service_needs_intent_toward_a_person():
    assert check_message("PayPal") == []
    assert check_message("I don't have PayPal, is that a problem for the milestone?") == []
    assert codes("PayPal me") == ["payment_off_platform"]


def test_an_app_needs_an_invitation():
    assert check_message("Telegram") == []
    assert check_message("WhatsApp is down today") == []
    assert codes("Telegram me") == ["contact_app"]


# ---------------------------------------------------------------------------------------------
# Speed
# ---------------------------------------------------------------------------------------------

ORDINARY = [
    "Hi Marta, thanks for the update on the landing page.",
    "I looked at the new hero section and I think the spacing between the headline and the "
    "button could be a bit tighter, otherwise it looks great.",
    "The client approved the wireframes on 2024-05-14, so we can start milestone 2 next week.",
    "Budget for this phase is $1,500, as agreed in the contract.",
    "I upgraded Django to 5.2.1 and the tests pass on Python 3.11.9; CI run 4812 is green.",
    "The PayPal checkout works in the sandbox now, and the IPN webhook returns 200.",
    "Can you check the Telegram bot? It stopped posting orders to the channel after the deploy.",
    "Set DEFAULT_FROM_EMAIL to noreply@example.com in settings.py before we go live.",
    "Let's schedule a call in the workroom on Thursday at 10:30 to go over the remaining tasks.",
    "I'll release the milestone payment once the QA report comes back.",
    "Page load dropped from 3200ms to 850ms after we moved images to the CDN.",
    "The staging server is at 192.168.1.20, port 8000, and the logs show error 502 twice.",
    "Otherwise, the copy for the pricing section is still missing; the client will send it.",
]


def ordinary_text(length: int = 10_000) -> str:
    text, i = "", 0
    while len(text) < length:
        text += ORDINARY[i % len(ORDINARY)] + (" " if i % 4 else "\n\n")
        i += 1
    return text[:length]


def test_an_ordinary_long_message_is_fine():
    assert check_message(ordinary_text()) == []


def test_two_hundred_long_messages_take_under_two_seconds():
    text = ordinary_text()
    assert len(text) == 10_000
    # CPU time of this process: other work on a busy machine (a browser test, say) must not
    # make the check look slow.
    start = time.process_time()
    for _ in range(200):
        check_message(text)
    elapsed = time.process_time() - start
    print(f"200 checks of 10,000 characters: {elapsed:.3f} s ({elapsed / 200 * 1000:.2f} ms each)")
    assert elapsed < 2.0
