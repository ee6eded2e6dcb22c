# kintrace writes dates one way in every language: day.month.year, as partial dates are written
# (registry.models.date_display: 1987, 03.1987, 14.03.1987) and as the date parser reads them
# back. Templates use only these names (|date:"DATE_FORMAT" / "DATETIME_FORMAT");
# tests/web/test_date_formats.py keeps it so.
DATE_FORMAT = "d.m.Y"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "d.m"
YEAR_MONTH_FORMAT = "m.Y"
