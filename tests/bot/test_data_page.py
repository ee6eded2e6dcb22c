"""The public data page tells relatives what the bot keeps, in both languages."""

from django.urls import reverse


def test_the_data_page_says_what_the_bot_keeps_and_that_telegram_keeps_messages(client):
    ru = client.get(reverse("intake:about_data")).content.decode()
    en = client.get(reverse("intake:about_data") + "?lang=en").content.decode()
    assert "Через наш Telegram-бот" in ru and "Сам Telegram хранит сообщения" in ru
    assert "Through our Telegram bot" in en and "Telegram itself keeps messages" in en
    assert "your chat" in en and "encrypted with your report" in en
