"""Channels that carry an alert outside the app: a registry of senders, by name.

``log`` is always on; ``webhook`` (a work-chat group robot) when ALERTS_WEBHOOK_URL is set; ``sms`` (an
SMS gateway taking an HTTP POST) when ALERTS_SMS_URL is set. A sender raises ``ChannelError`` when the
message did not go; the delivery is then tried again later (see services.deliver).
"""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)
CHANNELS = {}
# What the pages call each channel (the name is the code stored on a delivery).
LABELS = {"log": _("server log"), "webhook": _("work chat"), "sms": _("SMS")}


class ChannelError(Exception):
    """The message was not accepted; the text says why."""


def channel(name):
    def register(function):
        CHANNELS[name] = function
        return function

    return register


def label(name):
    return LABELS.get(name, name)


def enabled():
    """The names of the channels in use, in registry order."""
    return [name for name in CHANNELS if name == "log" or _url(name)]


def _url(name):
    return {"webhook": settings.ALERTS_WEBHOOK_URL, "sms": settings.ALERTS_SMS_URL}.get(name, "")


def post_json(url, payload):
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.ALERTS_SEND_TIMEOUT) as response:  # noqa: S310 (our URL)
            response.read()
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise ChannelError(str(error)) from error


@channel("log")
def log(recipient, text):
    logger.info("alert to %s: %s", recipient.username, text)


@channel("webhook")
def webhook(recipient, text):
    # The text-message shape work-chat group robots accept (企业微信/钉钉), naming the recipient.
    mention = [recipient.phone] if recipient.phone else []
    payload = {"msgtype": "text", "text": {"content": f"{recipient.get_full_name() or recipient}: {text}"}}
    if mention:
        payload["text"]["mentioned_mobile_list"] = mention
    post_json(settings.ALERTS_WEBHOOK_URL, payload)


@channel("sms")
def sms(recipient, text):
    if not recipient.phone:
        raise ChannelError(f"{recipient.username} has no phone number")
    post_json(settings.ALERTS_SMS_URL, {"phone": recipient.phone, "text": text})
