"""The relatives' Telegram bot: the public report form and the inbox as a chat.

It asks the public form's questions (the form's own labels and help texts, Russian first),
checks each answer with the intake's one validation (`intake.validation.clean_report`),
checks photos and documents with the web form's attachment checks (`uploads.check_upload`)
and files the report through `intake.services.report_submit`, like the web form and the API.
The same bot opens a report with its receipt (`report_open`), shows the staff's answers and
adds to the report (`reporter_add`).

What it keeps (docs/intake.md, "Telegram"): a conversation's state lives in this process's
memory only, keyed by the chat, and is forgotten when the relative finishes, after
KINTRACE_TELEGRAM_IDLE_SECONDS without activity, or when the bot stops; then every message
of the conversation the bot can delete is deleted (it says so first). No Telegram id, name,
username or phone number is written to the database or a log; the opt-in notice keeps the
chat id encrypted under the report's key only (`report_notify_set`).
"""

import asyncio
import logging
import time
from dataclasses import dataclass, field

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from kintrace.intake.forms import ReportForm
from kintrace.intake.models import Report
from kintrace.intake.services import (
    ReceiptThrottled,
    ReceiptUnreadable,
    ReportBusy,
    ReporterAccess,
    receipt_throttled_text,
    receipt_unreadable_text,
    receipt_wrong_text,
    report_decrypt,
    report_notify_clear,
    report_notify_on,
    report_notify_set,
    report_open,
    report_submit,
    reporter_add,
    reporter_state,
)
from kintrace.intake.uploads import (
    MAX_FILES,
    CheckedFile,
    UploadRefused,
    check_upload,
    refusal_message,
    too_big_message,
)
from kintrace.intake.validation import WHAT_HAPPENED, ReportInvalid, clean_message, clean_report
from kintrace.security.keys import OrgKeysMissing

log = logging.getLogger("kintrace.bot")

LANGUAGES = ("ru", "en")

# The public form's questions in its order. "details.what_happened" is answered with
# buttons; "more" asks whether to go through the details; "files" takes photos.
FIRST = ["subject.name", "subject.birth_date", "subject.facility", "subject.region"]
DETAILS = [
    "details.recruited_when",
    "details.last_contact_when",
    "details.last_contact_how",
    "details.money_promised",
    "details.money_paid",
]
ABOUT_YOU = ["reporter.relationship", "reporter.name", "reporter.contact"]
STEPS = [
    *FIRST,
    "details.what_happened",
    "message",
    "more",
    *DETAILS,
    *ABOUT_YOU,
    "files",
    "confirm",
]
REQUIRED = {"subject.name"}
TEXT_STEPS = {*FIRST, "message", *DETAILS, *ABOUT_YOU}
WHAT_LABELS = dict(WHAT_HAPPENED)
DELETE_CHUNK = 100  # deleteMessages takes at most 100 ids


@dataclass
class Chat:
    """One conversation, in memory only."""

    lang: str = "ru"
    step: str = "lang"
    answers: dict[str, str] = field(default_factory=dict)
    what: set[str] = field(default_factory=set)
    files: list[CheckedFile] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # an addition being written
    messages: list[int] = field(default_factory=list)  # every message id, ours and theirs
    access: ReporterAccess | None = None
    filed: bool = False  # a report was sent in this conversation
    touched: float = field(default_factory=time.monotonic)


def _field(path: str):
    return ReportForm.base_fields[path.replace(".", "_", 1)]


def _question(path: str) -> str:
    f = _field(path)
    return f"{f.label}\n{f.help_text}" if f.help_text else str(f.label)


def _raw(chat: Chat) -> dict:
    """The answers in the shape `clean_report` takes (as the form's `raw()` gives it)."""
    raw: dict = {"subject": {}, "reporter": {}, "details": {"what_happened": sorted(chat.what)}}
    for path, value in chat.answers.items():
        section, _dot, name = path.partition(".")
        if section == "message":
            raw["message"] = value
        else:
            raw[section][name] = value
    raw.setdefault("message", "")
    return raw


def _db_ready() -> None:
    # A long-running bot outlives database connections; never inside a transaction (tests).
    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()


def _in_language(lang: str, fn, /, *args, **kwargs):
    _db_ready()
    with translation.override(lang):
        return fn(*args, **kwargs)


async def _db(chat: Chat, fn, /, *args, **kwargs):
    """Run a database call (services) in Django's thread, in the chat's language."""
    return await sync_to_async(_in_language)(chat.lang, fn, *args, **kwargs)


def _buttons(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )


class IntakeBot:
    """The handlers and the conversations they share (in memory)."""

    def __init__(self, *, idle_seconds: int) -> None:
        self.idle_seconds = idle_seconds
        self.chats: dict[int, Chat] = {}
        self._sweeper: asyncio.Task | None = None

    # --- sending and forgetting ---------------------------------------------------------

    async def say(self, bot, chat_id: int, chat: Chat, text: str, markup=None) -> None:
        message = await bot.send_message(chat_id, text, reply_markup=markup)
        chat.messages.append(message.message_id)

    async def forget(self, bot, chat_id: int, notice: str = "") -> None:
        """Delete every message of the conversation Telegram lets us delete, forget its
        state, and leave `notice` (which holds nothing of the conversation)."""
        chat = self.chats.pop(chat_id, None)
        if chat is None:
            return
        ids = sorted(set(chat.messages))
        for start in range(0, len(ids), DELETE_CHUNK):
            try:
                await bot.delete_messages(chat_id, ids[start : start + DELETE_CHUNK])
            except TelegramError:
                log.warning("some messages of a conversation could not be deleted")
        chat.files.clear()
        chat.access = None
        if notice:
            try:
                await bot.send_message(chat_id, notice)
            except TelegramError:
                log.warning("a closing notice could not be sent")

    async def close_all(self, bot, notice_for) -> None:
        """End every open conversation (the bot is stopping): deleted, forgotten."""
        for chat_id in list(self.chats):
            chat = self.chats[chat_id]
            with translation.override(chat.lang):
                notice = notice_for(chat)
            await self.forget(bot, chat_id, notice)

    async def sweep(self, bot) -> None:
        """End conversations idle longer than the timeout."""
        now = time.monotonic()
        for chat_id, chat in list(self.chats.items()):
            if now - chat.touched >= self.idle_seconds:
                with translation.override(chat.lang):
                    notice = self.timeout_notice(chat)
                await self.forget(bot, chat_id, notice)
                log.info("an idle conversation was ended")

    async def sweep_forever(self, bot) -> None:
        pause = max(0.2, min(30.0, self.idle_seconds / 4))
        while True:
            await asyncio.sleep(pause)
            try:
                await self.sweep(bot)
            except Exception as e:  # the sweeper must survive a network hiccup
                log.warning("sweeping idle conversations failed: %s", type(e).__name__)

    def timeout_notice(self, chat: Chat) -> str:
        minutes = max(1, round(self.idle_seconds / 60))
        text = _(
            "This conversation was closed after %(n)d minutes without activity, to protect "
            "you, and its messages were deleted."
        ) % {"n": minutes}
        if not chat.filed and chat.step in STEPS:
            text += " " + _("Nothing was sent.")
        return text + " " + _("Send /start to begin again.")

    @staticmethod
    def stop_notice(chat: Chat) -> str:
        text = _(
            "The bot is being restarted. This conversation was closed and its messages were "
            "deleted."
        )
        if not chat.filed and chat.step in STEPS:
            text += " " + _("Nothing was sent.")
        return text + " " + _("Send /start to begin again.")

    @staticmethod
    def deleted_notice() -> str:
        return _(
            "I have deleted our conversation from this chat. Telegram may still keep copies "
            "on its servers. Send /start to begin again."
        )

    # --- entry points ---------------------------------------------------------------------

    def _chat(self, update: Update, chat_id: int) -> Chat | None:
        chat = self.chats.get(chat_id)
        if chat is not None:
            chat.touched = time.monotonic()
            if update.effective_message is not None:
                chat.messages.append(update.effective_message.message_id)
        return chat

    async def _unknown(self, bot, chat_id: int) -> None:
        """A message for a conversation this process does not hold (ended, or the bot was
        restarted): say so in both languages, keep nothing."""
        text = "\n\n".join(self._both(self._unknown_text))
        await bot.send_message(chat_id, text)

    @staticmethod
    def _unknown_text() -> str:
        return _(
            "I do not remember our conversation: I keep nothing once it ends, and I may have "
            "been restarted. Send /start to begin again."
        )

    @staticmethod
    def _both(fn) -> list[str]:
        out = []
        for lang in LANGUAGES:
            with translation.override(lang):
                out.append(fn())
        return out

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        # CommandHandler passes only updates with a message (and so a chat).
        where, message = update.effective_chat, update.effective_message
        if where is None or message is None or where.type != "private":
            return
        chat_id = where.id
        if chat_id in self.chats:  # a new start ends the old conversation first
            await self.forget(context.bot, chat_id)
        chat = Chat()
        self.chats[chat_id] = chat
        chat.messages.append(message.message_id)
        text = "\n\n".join(self._both(lambda: _("Choose your language.")))
        await self.say(
            context.bot,
            chat_id,
            chat,
            text,
            _buttons([("Русский", "lang:ru"), ("English", "lang:en")]),
        )

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, where = update.callback_query, update.effective_chat
        # CallbackQueryHandler passes callback queries only; a query has no chat only when it
        # comes from an inline message, which this bot (no inline mode) never sends.
        if query is None or where is None:
            return
        chat_id = where.id
        chat = self._chat(update, chat_id)
        try:
            await query.answer()
        except TelegramError:
            pass
        if chat is None:
            await self._unknown(context.bot, chat_id)
            return
        data = query.data or ""
        with translation.override(chat.lang):
            if not data.startswith("what:"):  # the ticks are edited in place
                try:
                    await query.edit_message_reply_markup(None)
                except TelegramError:
                    pass
            await self.button(context.bot, chat_id, chat, data, query)

    async def _private(self, update: Update, context, handle) -> None:
        """Run `handle(bot, chat_id, chat, message)` for a private chat's conversation, in its
        language; a chat without one is told so."""
        # MessageHandler passes only updates with a message (and so a chat).
        where, message = update.effective_chat, update.effective_message
        if where is None or message is None or where.type != "private":
            return
        chat_id = where.id
        chat = self._chat(update, chat_id)
        if chat is None:
            await self._unknown(context.bot, chat_id)
            return
        with translation.override(chat.lang):
            await handle(context.bot, chat_id, chat, message)

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._private(update, context, self.text)

    async def on_file(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._private(update, context, self.file)

    async def on_contact(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A contact card or a location was sent although we never ask for one: delete it at
        once and say why."""
        where, message = update.effective_chat, update.effective_message
        if where is None or message is None:  # MessageHandler passes only messages
            return
        chat_id = where.id
        chat = self.chats.get(chat_id)
        try:
            await context.bot.delete_message(chat_id, message.message_id)
        except TelegramError:
            pass
        with translation.override(chat.lang if chat else "ru"):
            text = _(
                "I deleted what you sent: we do not need your phone number, contact or "
                "location, and we keep none."
            )
        if chat is not None:
            chat.touched = time.monotonic()
            await self.say(context.bot, chat_id, chat, text)
        else:
            await context.bot.send_message(chat_id, text)

    async def on_error(self, update, context: ContextTypes.DEFAULT_TYPE) -> None:
        # Only the kind of error: an update or its exception text may hold what was written.
        log.error("a Telegram update could not be handled: %s", type(context.error).__name__)

    # --- the menu -----------------------------------------------------------------------------

    def _menu(self) -> InlineKeyboardMarkup:
        return _buttons(
            [(_("Report a missing man"), "menu:report")],
            [(_("Open my report with the receipt"), "menu:inbox")],
            [(_("Finish and delete this chat"), "finish")],
        )

    def _privacy(self) -> str:
        minutes = max(1, round(self.idle_seconds / 60))
        return _(
            "Before you start:\n"
            "• We do not keep your Telegram name, username, number or account. What you write "
            "here goes into your report, encrypted, and nowhere else.\n"
            "• When you finish, or after %(n)d minutes without activity, I delete the messages "
            "of this conversation from this chat.\n"
            "• Telegram itself keeps messages on its servers, and copies may stay on your other "
            "devices. If that is a danger for you, use our web form through Tor instead.\n"
            "• Never send your phone number or contact: we do not need them."
        ) % {"n": minutes}

    async def button(self, bot, chat_id: int, chat: Chat, data: str, query) -> None:
        if data.startswith("lang:") and chat.step == "lang":
            lang = data.split(":", 1)[1]
            chat.lang = lang if lang in LANGUAGES else "ru"
            chat.step = "menu"
            with translation.override(chat.lang):
                await self.say(bot, chat_id, chat, self._privacy(), self._menu())
            return
        if data == "finish":
            await self.forget(bot, chat_id, self.deleted_notice())
            return
        if data == "menu:report" and chat.step == "menu":
            chat.answers, chat.what, chat.files = {}, set(), []
            await self.ask(bot, chat_id, chat, STEPS[0])
            return
        if data == "menu:inbox" and chat.step in ("menu", "receipt_shown"):
            chat.step = "receipt"
            await self.say(
                bot,
                chat_id,
                chat,
                _(
                    "Type your receipt: the eleven words you wrote down. "
                    "I delete your message at once."
                ),
            )
            return
        if data == "skip" and chat.step in TEXT_STEPS and chat.step not in REQUIRED:
            chat.answers.pop(chat.step, None)
            await self.next(bot, chat_id, chat)
            return
        if data.startswith("what:") and chat.step == "details.what_happened":
            code = data.split(":", 1)[1]
            if code == "done":
                try:
                    await query.edit_message_reply_markup(None)
                except TelegramError:
                    pass
                await self.next(bot, chat_id, chat)
                return
            if code in WHAT_LABELS:
                chat.what ^= {code}
                try:
                    await query.edit_message_reply_markup(self._what_markup(chat))
                except TelegramError:
                    pass
            return
        if data in ("more:yes", "more:no") and chat.step == "more":
            if data == "more:yes":
                await self.ask(bot, chat_id, chat, DETAILS[0])
            else:
                await self.ask(bot, chat_id, chat, ABOUT_YOU[0])
            return
        if data == "files:done" and chat.step == "files":
            await self.ask(bot, chat_id, chat, "confirm")
            return
        if data == "send" and chat.step == "confirm":
            await self.submit(bot, chat_id, chat)
            return
        if data == "cancel" and chat.step in ("confirm", "adding"):
            if chat.step == "adding":
                chat.texts, chat.files = [], []
                await self.show_inbox(bot, chat_id, chat)
                return
            chat.step = "menu"
            chat.answers, chat.what, chat.files = {}, set(), []
            await self.say(bot, chat_id, chat, _("Nothing was sent."), self._menu())
            return
        if data == "written" and chat.step == "receipt_shown":
            await self.forget(bot, chat_id, self.deleted_notice())
            return
        if chat.access is not None:
            await self.inbox_button(bot, chat_id, chat, data)
            return
        await self.say(bot, chat_id, chat, _("Please answer the last question above."))

    # --- the report -------------------------------------------------------------------------

    def _what_markup(self, chat: Chat) -> InlineKeyboardMarkup:
        rows = [
            [
                InlineKeyboardButton(
                    ("✓ " if code in chat.what else "") + str(label), callback_data=f"what:{code}"
                )
            ]
            for code, label in WHAT_HAPPENED
        ]
        rows.append([InlineKeyboardButton(_("Done"), callback_data="what:done")])
        return InlineKeyboardMarkup(rows)

    async def ask(self, bot, chat_id: int, chat: Chat, step: str, problem: str = "") -> None:
        chat.step = step
        prefix = f"{problem}\n\n" if problem else ""
        if step in TEXT_STEPS:
            markup = None if step in REQUIRED else _buttons([(_("Skip"), "skip")])
            await self.say(bot, chat_id, chat, prefix + _question(step), markup)
        elif step == "details.what_happened":
            f = _field(step)
            await self.say(
                bot, chat_id, chat, f"{prefix}{f.label}\n{f.help_text}", self._what_markup(chat)
            )
        elif step == "more":
            await self.say(
                bot,
                chat_id,
                chat,
                _(
                    "Can you tell us more: when he was recruited, when he last got in touch, "
                    "what money was promised and paid?"
                ),
                _buttons([(_("Yes"), "more:yes"), (_("Skip"), "more:no")]),
            )
        elif step == "files":
            mb = settings.KINTRACE_MAX_UPLOAD_BYTES / (1024 * 1024)
            text = "{}\n{}\n{}".format(
                _("Photos, screenshots, documents"),
                _("Up to %(max_files)s files, each up to %(max_mb)s MB.")
                % {"max_files": MAX_FILES, "max_mb": f"{mb:g}"},
                _("Send them here one by one, then press Done. No photos? Press Done."),
            )
            await self.say(bot, chat_id, chat, prefix + text, _buttons([(_("Done"), "files:done")]))
        elif step == "confirm":
            await self.say(
                bot,
                chat_id,
                chat,
                self._summary(chat),
                _buttons([(_("Send the report"), "send")], [(_("Cancel"), "cancel")]),
            )

    def _summary(self, chat: Chat) -> str:
        lines = [_("Please check your report:"), ""]
        for path in STEPS:
            if path in chat.answers:
                lines.append(f"{_field(path).label}: {chat.answers[path]}")
            elif path == "details.what_happened" and chat.what:
                labels = ", ".join(str(WHAT_LABELS[c]) for c in sorted(chat.what))
                lines.append(f"{_field(path).label}: {labels}")
        if chat.files:
            names = ", ".join(f.filename for f in chat.files)
            lines.append(f"{_('Photos, screenshots, documents')}: {names}")
        return "\n".join(lines)

    async def next(self, bot, chat_id: int, chat: Chat) -> None:
        at = STEPS.index(chat.step)
        await self.ask(bot, chat_id, chat, STEPS[at + 1])

    async def text(self, bot, chat_id: int, chat: Chat, message) -> None:
        text = message.text or ""
        if chat.step in TEXT_STEPS:
            chat.answers[chat.step] = text
            problem = await _db(chat, self._check, chat)
            if problem:
                chat.answers.pop(chat.step, None)
                await self.ask(bot, chat_id, chat, chat.step, problem)
                return
            await self.next(bot, chat_id, chat)
        elif chat.step == "receipt":
            await self.open_inbox(bot, chat_id, chat, text)
        elif chat.step == "adding":
            chat.texts.append(text)
            await self.say(
                bot,
                chat_id,
                chat,
                _("Noted. Write more, send photos, or press the button."),
                self._adding_markup(),
            )
        else:
            await self.say(bot, chat_id, chat, _("Please use the buttons above."))

    @staticmethod
    def _check(chat: Chat) -> str:
        """The shared validation's word on the answer just given ("" when it is fine)."""
        try:
            clean_report(_raw(chat))
        except ReportInvalid as e:
            return e.errors.get(chat.step, "")
        return ""

    async def _download(self, bot, message) -> tuple[str, bytes] | str:
        """(file name, bytes) of the photo or document in `message`, or a problem."""
        if message.photo:
            item = message.photo[-1]  # the largest size Telegram made
            name = "photo.jpg"
        else:
            item = message.document
            name = message.document.file_name or "file"
        if item.file_size and item.file_size > settings.KINTRACE_MAX_UPLOAD_BYTES:
            return too_big_message()
        try:
            handle = await bot.get_file(item.file_id)
            data = bytes(await handle.download_as_bytearray())
        except TelegramError:
            return _("This file could not be received. Please send it again.")
        return name, data

    async def file(self, bot, chat_id: int, chat: Chat, message) -> None:
        if chat.step not in ("files", "adding"):
            await self.say(
                bot,
                chat_id,
                chat,
                _(
                    "Please answer the last question above. "
                    "You can send photos later in this conversation."
                ),
            )
            return
        if len(chat.files) >= MAX_FILES:
            await self.say(
                bot,
                chat_id,
                chat,
                refusal_message("too_many_files", len(chat.files) + 1),
            )
            return
        got = await self._download(bot, message)
        if isinstance(got, str):
            await self.say(bot, chat_id, chat, got)
            return
        name, data = got
        try:
            checked = await sync_to_async(_in_language)(chat.lang, check_upload, name, data)
        except UploadRefused as e:
            await self.say(bot, chat_id, chat, str(e))
            return
        chat.files.append(checked)
        markup = (
            _buttons([(_("Done"), "files:done")]) if chat.step == "files" else self._adding_markup()
        )
        await self.say(
            bot,
            chat_id,
            chat,
            _("Received: %(name)s (%(n)d of %(max)d).")
            % {"name": checked.filename, "n": len(chat.files), "max": MAX_FILES},
            markup,
        )

    async def submit(self, bot, chat_id: int, chat: Chat) -> None:
        def file_it():
            clean = clean_report(_raw(chat))
            return report_submit(
                clean=clean, files=list(chat.files), channel=Report.Channel.TELEGRAM
            )

        try:
            _report, receipt = await _db(chat, file_it)
        except ReportInvalid as e:  # cannot happen after the per-step checks; said anyway
            await self.say(bot, chat_id, chat, "\n".join(e.errors.values()), self._menu())
            chat.step = "menu"
            return
        except OrgKeysMissing:
            chat.step = "menu"
            await self.say(
                bot,
                chat_id,
                chat,
                _(
                    "The organisation has not finished setting up its encryption keys, so we "
                    "cannot store your report safely. Nothing was saved. Please try again later."
                ),
                self._menu(),
            )
            return
        except ReportBusy as e:
            await self.say(bot, chat_id, chat, str(e), _buttons([(_("Send the report"), "send")]))
            return
        chat.filed, chat.step = True, "receipt_shown"
        chat.answers, chat.what, chat.files = {}, set(), []
        log.info("a report was filed through Telegram")
        await self.say(
            bot,
            chat_id,
            chat,
            _(
                "Your report has been sent. Your receipt:\n\n%(receipt)s\n\nWrite it down on "
                "paper now and keep it safe: it is the only way to read our answers or add to "
                "your report, and we cannot recover it. When you press the button, I delete "
                "this conversation, the receipt included, from the chat."
            )
            % {"receipt": receipt},
            _buttons([(_("I have written it down"), "written")]),
        )

    # --- the inbox ----------------------------------------------------------------------------

    async def open_inbox(self, bot, chat_id: int, chat: Chat, text: str) -> None:
        # The receipt is a secret: its message goes at once.
        try:
            await bot.delete_message(chat_id, chat.messages[-1])
        except TelegramError:
            pass
        try:
            access = await _db(chat, report_open, receipt=text)
        except ReceiptUnreadable as e:
            await self.say(bot, chat_id, chat, receipt_unreadable_text(e))
            return
        except ReceiptThrottled:
            await self.say(bot, chat_id, chat, receipt_throttled_text(), self._menu())
            chat.step = "menu"
            return
        if access is None:
            await self.say(bot, chat_id, chat, receipt_wrong_text())
            return
        chat.access = access
        await self.show_inbox(bot, chat_id, chat)

    def _inbox_text(self, access: ReporterAccess) -> tuple[str, bool]:
        access.report.refresh_from_db()  # staff may have answered or closed it meanwhile
        view = report_decrypt(access.report, access.key)
        state = reporter_state(access.report)
        if state.code == "received":
            status = _("received, waiting for a caseworker")
        elif state.code == "working":
            status = _("a caseworker is working on it")
        else:
            status = _("closed") + (f" — {state.reason}" if state.reason else "")
        lines = [
            _("Your report"),
            f"{_('Status:')} {status}",
            f"{_('About')} {access.report.subject_name}",
            "",
        ]
        answers = [m for m in view.messages if m.sender == "organisation"]
        for m in answers:
            when = date_format(timezone.localtime(m.created_at), "DATETIME_FORMAT")
            lines.append(f"{_('Our answer')} · {when}\n{m.text}\n")
        if not answers:
            lines.append(_("No answers yet. Please check again in a few days."))
        return "\n".join(lines), report_notify_on(access=access)

    async def show_inbox(self, bot, chat_id: int, chat: Chat) -> None:
        chat.step = "inbox"
        access = chat.access
        if access is None:
            # Only a conversation opened with its receipt comes here, but the sweeper may
            # have ended it (forgotten, access cleared) while this handler waited on the
            # network or the database: there is nothing left to show.
            return
        text, notify = await _db(chat, self._inbox_text, access)
        notify_button = (
            (_("Stop the notices"), "notify:off")
            if notify
            else (_("Tell me here when you answer"), "notify:on")
        )
        await self.say(
            bot,
            chat_id,
            chat,
            text,
            _buttons(
                [(_("Add information"), "inbox:add")],
                [notify_button],
                [(_("Finish and delete this chat"), "finish")],
            ),
        )

    def _adding_markup(self) -> InlineKeyboardMarkup:
        return _buttons([(_("Add to my report"), "inbox:send")], [(_("Cancel"), "cancel")])

    async def inbox_button(self, bot, chat_id: int, chat: Chat, data: str) -> None:
        if data == "inbox:add" and chat.step == "inbox":
            chat.step, chat.texts, chat.files = "adding", [], []
            await self.say(
                bot,
                chat_id,
                chat,
                _("Anything new?")
                + "\n"
                + _("Write it here and send photos if you have them, then press the button."),
                self._adding_markup(),
            )
        elif data == "inbox:send" and chat.step == "adding":
            await self.add(bot, chat_id, chat)
        elif data == "notify:on" and chat.step == "inbox":
            await _db(chat, report_notify_set, access=chat.access, chat=chat_id, lang=chat.lang)
            await self.say(
                bot,
                chat_id,
                chat,
                _(
                    "When we answer, I will send one message to this chat, without any content: "
                    "you then open your report here with the receipt. To do that, this chat's "
                    "number is kept, encrypted with your report's key: only you (with the "
                    "receipt) and a caseworker answering you can read it. Telegram will see "
                    "that this bot wrote to you."
                ),
            )
            await self.show_inbox(bot, chat_id, chat)
        elif data == "notify:off" and chat.step == "inbox":
            await _db(chat, report_notify_clear, access=chat.access)
            await self.say(bot, chat_id, chat, _("No more notices: this chat's number is deleted."))
            await self.show_inbox(bot, chat_id, chat)
        else:
            await self.say(bot, chat_id, chat, _("Please use the buttons above."))

    async def add(self, bot, chat_id: int, chat: Chat) -> None:
        try:
            text = clean_message("\n\n".join(chat.texts))
        except ReportInvalid as e:
            await self.say(bot, chat_id, chat, "\n".join(e.errors.values()), self._adding_markup())
            return
        if not text and not chat.files:
            await self.say(
                bot,
                chat_id,
                chat,
                _("Write something or choose a file to add."),
                self._adding_markup(),
            )
            return
        try:
            await _db(chat, reporter_add, access=chat.access, text=text, files=list(chat.files))
        except ReportBusy as e:
            await self.say(bot, chat_id, chat, str(e), self._adding_markup())
            return
        chat.texts, chat.files = [], []
        await self.say(bot, chat_id, chat, _("Thank you, we added it to your report."))
        await self.show_inbox(bot, chat_id, chat)


def build_application(*, token: str, api_url: str, idle_seconds: int) -> Application:
    """The bot, talking to the Bot API at `api_url` (https://api.telegram.org, or a local or
    fake server): its handlers in order, and our error handler (which logs no update)."""
    intake = IntakeBot(idle_seconds=idle_seconds)
    app = (
        Application.builder()
        .token(token)
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        .build()
    )
    app.bot_data["intake"] = intake
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("start", intake.start, filters=private))
    app.add_handler(CallbackQueryHandler(intake.on_button))
    app.add_handler(
        MessageHandler(private & (filters.CONTACT | filters.LOCATION), intake.on_contact)
    )
    app.add_handler(
        MessageHandler(private & (filters.PHOTO | filters.Document.ALL), intake.on_file)
    )
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, intake.on_text))
    app.add_handler(MessageHandler(private & filters.COMMAND, intake.on_text))
    app.add_error_handler(intake.on_error)
    return app


async def serve(app: Application, stop: asyncio.Event, *, poll_timeout: int = 30) -> None:
    """Run the bot by long polling until `stop` is set; then end every open conversation
    (deleted, with a notice) before stopping. `kintrace bot` and the tests both run this."""
    intake: IntakeBot = app.bot_data["intake"]
    updater = app.updater
    if updater is None:  # an Application built with .updater(None) cannot long-poll
        raise ValueError("serve() needs an Application with an Updater")
    await app.initialize()
    await app.start()
    await updater.start_polling(timeout=poll_timeout, poll_interval=0.0)
    sweeper = asyncio.create_task(intake.sweep_forever(app.bot))
    log.info("the Telegram bot is running (long polling)")
    try:
        await stop.wait()
    finally:
        sweeper.cancel()
        await updater.stop()
        await app.stop()
        await intake.close_all(app.bot, IntakeBot.stop_notice)
        await app.shutdown()
        log.info("the Telegram bot stopped")
