"""Date formats per language where Django's own differ from how the product writes dates.

Django's formats are kept for Dutch ("1 november 2021"), French ("1 novembre 2021") and German
("1. November 2021"). English pages write "1 November 2021", as Belgian and European English
does, instead of Django's American "Nov. 1, 2021". Templates ask for ``DATE_FORMAT`` or
``DATETIME_FORMAT``, never a fixed pattern, so each language gets its own
(``FORMAT_MODULE_PATH`` in settings).
"""
