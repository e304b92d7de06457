"""The professional-conduct check: does a message propose paying, or talking, off Tandem?

`check_message(body)` returns the reasons a message may take payment or contact off the
platform, so the sender can be warned before it is sent. Nobody is blocked by this module; it
only explains. Every reason has a stable `code` and a plain-language `text` for the sender.

How it works, in three steps:

1. Normalise. NFKC folds fullwidth and compatibility forms (``ｐａｙｐａｌ``, ``＠``); zero-width
   and other invisible characters are removed; accents are stripped (``pàypál``); a few Cyrillic
   and Greek look-alikes become Latin letters. Code (back-ticked spans and fenced blocks) is blanked
   out: an address or a number inside code is configuration, not contact.
2. Find mentions: payment services, bank and crypto details, contact apps, e-mail addresses
   (also ``name at gmail dot com``), phone numbers (also spelled out in words). Service and app
   names are matched loosely, so ``p.a.y.p.a.l``, ``pay-pal``, ``PayPaI``, ``payp4l``,
   ``wh@tsapp`` and ``tele gram`` are found too.
3. Weigh the context of each mention, mostly within its sentence. A service or app name alone is
   not enough: a payment service needs payment intent toward a person (pay, send, transfer, my
   account, wallet, directly, fees...) and no sign of integration work (API, checkout, webhook,
   IPN, button, SDK, bot...); a contact app needs an invitation to talk there ("add me on",
   "my telegram is", "let's move to WhatsApp", a handle, a t.me link). An e-mail address counts
   unless it is plainly a configuration value (after ``=``, near "sender", "SMTP", "settings",
   "noreply", "example.com"...). A phone number needs at least seven digits in a phone-shaped
   group that is not a date, time, price, version, IP address or id.

Where: `text` (step 1, and the loose matching of names), `payment`, `contact` (apps and
e-mail), `phone`, and `check` (`check_message` and its `Reason`s).

Speed: a long message is mostly ordinary text, so every detector first asks a cheap question of
the whole message (is a literal anchor such as ``"@"``, ``"outside"`` or a squashed service name
present? are there seven digits?) and runs its full pattern only near what it found.
"""

from messaging.conduct.check import APP, EMAIL, PAYMENT, PHONE, Reason, check_message
from messaging.conduct.text import normalise

__all__ = ["APP", "EMAIL", "PAYMENT", "PHONE", "Reason", "check_message", "normalise"]
