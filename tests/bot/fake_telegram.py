"""A fake Telegram Bot API server on 127.0.0.1 for the bot's tests, and a relative using it.

It implements what the bot calls (getMe, deleteWebhook, getUpdates with long polling,
sendMessage, editMessageReplyMarkup, answerCallbackQuery, deleteMessage(s), getFile and the
file download) after the Bot API's documented shapes, keeps every message of each private
chat (and whether it was deleted), and lets a test play the relative: send text, a photo or
a contact card, press a button. Unknown methods answer 404 and are recorded, so a test fails
when the bot calls something this fake does not know.
"""

import asyncio
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote

BOT_USER = {
    "id": 7000000001,
    "is_bot": True,
    "first_name": "Kintrace",
    "username": "kintrace_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@dataclass
class Message:
    message_id: int
    from_bot: bool
    text: str = ""
    markup: dict | None = None
    deleted: bool = False
    raw: dict = field(default_factory=dict)

    def buttons(self) -> dict[str, str]:
        """Button text -> callback data."""
        rows = (self.markup or {}).get("inline_keyboard", [])
        return {b["text"]: b["callback_data"] for row in rows for b in row}


class FakeTelegram:
    def __init__(self, token: str) -> None:
        self.token = token
        self.lock = threading.Condition()
        self.updates: list[dict] = []
        self.update_ids = itertools.count(1)
        self.chats: dict[int, list[Message]] = {}
        self.message_ids: dict[int, itertools.count] = {}
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (path, bytes)
        self.unknown: list[str] = []
        self.calls: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                prefix = f"/file/bot{fake.token}/"
                for path, data in fake.files.values():
                    if unquote(self.path) == prefix + path:
                        self.send_response(200)
                        self.send_header("Content-Length", str(len(data)))
                        self.end_headers()
                        self.wfile.write(data)
                        return
                self.send_response(404)
                self.end_headers()

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                kind = self.headers.get("Content-Type", "")
                if kind.startswith("application/json"):
                    params = json.loads(body or b"{}")
                else:
                    params = dict(parse_qsl(body.decode()))
                prefix = f"/bot{fake.token}/"
                path = unquote(self.path)
                if not path.startswith(prefix):
                    return self._answer(401, {"ok": False, "error_code": 401})
                method = path[len(prefix) :]
                result = fake.call(method, params)
                if result is None:
                    fake.unknown.append(method)
                    return self._answer(404, {"ok": False, "error_code": 404})
                return self._answer(200, {"ok": True, "result": result})

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # a long poll the bot gave up on while stopping

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        with self.lock:
            self.lock.notify_all()
        self.server.shutdown()
        self.server.server_close()

    # --- the Bot API ----------------------------------------------------------------------

    @staticmethod
    def _json(value):
        return json.loads(value) if isinstance(value, str) else value

    def _chat_json(self, chat_id: int) -> dict:
        return {"id": chat_id, "type": "private", "first_name": "Relative"}

    def _message_json(self, chat_id: int, m: Message) -> dict:
        out = {
            "message_id": m.message_id,
            "date": int(time.time()),
            "chat": self._chat_json(chat_id),
            "from": BOT_USER,
            "text": m.text,
        }
        if m.markup:
            out["reply_markup"] = m.markup
        return out

    def _find(self, chat_id: int, message_id: int) -> Message | None:
        for m in self.chats.get(chat_id, []):
            if m.message_id == message_id:
                return m
        return None

    def _new_id(self, chat_id: int) -> int:
        return next(self.message_ids.setdefault(chat_id, itertools.count(1)))

    def call(self, method: str, params: dict):
        self.calls.append(method)
        with self.lock:
            if method == "getMe":
                return BOT_USER
            if method in ("deleteWebhook", "answerCallbackQuery"):
                return True
            if method == "getUpdates":
                offset = int(params.get("offset") or 0)
                deadline = time.monotonic() + min(float(params.get("timeout") or 0), 0.25)
                while True:
                    self.updates = [u for u in self.updates if u["update_id"] >= offset]
                    if self.updates or time.monotonic() >= deadline:
                        return list(self.updates)
                    self.lock.wait(max(0.0, deadline - time.monotonic()))
            if method == "sendMessage":
                chat_id = int(params["chat_id"])
                markup = self._json(params.get("reply_markup"))
                m = Message(self._new_id(chat_id), True, params["text"], markup)
                self.chats.setdefault(chat_id, []).append(m)
                self.lock.notify_all()
                return self._message_json(chat_id, m)
            if method == "editMessageReplyMarkup":
                chat_id = int(params["chat_id"])
                m = self._find(chat_id, int(params["message_id"]))
                if m is None:
                    return None
                m.markup = self._json(params.get("reply_markup")) or None
                return self._message_json(chat_id, m)
            if method in ("deleteMessage", "deleteMessages"):
                chat_id = int(params["chat_id"])
                ids = (
                    [int(params["message_id"])]
                    if method == "deleteMessage"
                    else [int(i) for i in self._json(params["message_ids"])]
                )
                for i in ids:
                    m = self._find(chat_id, i)
                    if m is not None:
                        m.deleted = True
                self.lock.notify_all()
                return True
            if method == "getFile":
                path, data = self.files[params["file_id"]]
                return {
                    "file_id": params["file_id"],
                    "file_unique_id": "u" + params["file_id"],
                    "file_size": len(data),
                    "file_path": path,
                }
        return None

    def push(self, kind: str, payload: dict) -> None:
        with self.lock:
            self.updates.append({"update_id": next(self.update_ids), kind: payload})
            self.lock.notify_all()


class Relative:
    """A person in a private chat with the bot, typing and pressing through the fake."""

    def __init__(self, fake: FakeTelegram, *, user_id: int, username: str, first_name: str):
        self.fake = fake
        self.user = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "username": username,
            "language_code": "ru",
        }
        self.seen = 0  # bot messages already looked at

    @property
    def chat_id(self) -> int:
        return self.user["id"]

    def messages(self) -> list[Message]:
        return self.fake.chats.get(self.chat_id, [])

    def bot_messages(self) -> list[Message]:
        return [m for m in self.messages() if m.from_bot]

    def _send(self, **content) -> int:
        with self.fake.lock:
            mid = self.fake._new_id(self.chat_id)
            message = {
                "message_id": mid,
                "date": int(time.time()),
                "chat": {
                    **self.fake._chat_json(self.chat_id),
                    "first_name": self.user["first_name"],
                },
                "from": self.user,
                **content,
            }
            self.fake.chats.setdefault(self.chat_id, []).append(
                Message(mid, False, content.get("text", ""), raw=message)
            )
        self.fake.push("message", message)
        return mid

    def send(self, text: str) -> int:
        extra = {}
        if text.startswith("/"):
            extra["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        return self._send(text=text, **extra)

    def send_photo(self, data: bytes) -> int:
        file_id = f"photo{len(self.fake.files) + 1}"
        self.fake.files[file_id] = (f"photos/{file_id}.jpg", data)
        return self._send(
            photo=[
                {
                    "file_id": file_id,
                    "file_unique_id": "u" + file_id,
                    "width": 64,
                    "height": 48,
                    "file_size": len(data),
                }
            ]
        )

    def send_contact(self, phone: str) -> int:
        return self._send(
            contact={
                "phone_number": phone,
                "first_name": self.user["first_name"],
                "user_id": self.user["id"],
            }
        )

    async def begin(self, *, report: str = "") -> None:
        """/start, English, and with `report` the first answer (his name) of a report."""
        self.send("/start")
        await self.expect("Choose your language")
        self.press("English")
        await self.expect("Before you start")
        if report:
            self.press("Report a missing man")
            await self.expect("His full name")
            self.send(report)
            await self.expect("Date of birth")

    def press(self, label: str) -> None:
        """Press the button labelled `label` on the newest bot message that has it."""
        for m in reversed(self.bot_messages()):
            if label in m.buttons() and not m.deleted:
                data = m.buttons()[label]
                self.fake.push(
                    "callback_query",
                    {
                        "id": f"cb{m.message_id}{len(self.fake.updates)}",
                        "from": self.user,
                        "chat_instance": "ci",
                        "message": self.fake._message_json(self.chat_id, m),
                        "data": data,
                    },
                )
                return
        raise AssertionError(
            f"no button {label!r}; last: {[m.text[:60] for m in self.bot_messages()[-3:]]}"
        )

    async def expect(self, text: str, timeout: float = 15.0) -> Message:
        """The next bot message (after those already seen) that contains `text`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            bot = self.bot_messages()
            for i in range(self.seen, len(bot)):
                if text in bot[i].text:
                    self.seen = i + 1
                    return bot[i]
            await asyncio.sleep(0.02)
        got = [m.text[:80] for m in self.bot_messages()[self.seen :]]
        raise AssertionError(f"the bot did not say {text!r}; it said {got}")

    async def until(self, condition, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            await asyncio.sleep(0.02)
        raise AssertionError("condition not reached")
