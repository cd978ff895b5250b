"""The 任务清单 grid editor: one compact line per task row instead of Wagtail's nested forms.

Wagtail renders a StructBlock with a ListBlock of rows, each with a ListBlock
of unit sub-blocks, as thousands of form fields (84 rows: 4,163 fields, a
minute before the page answers).  The grid posts the whole list as one JSON
field and rebuilds exactly the stored value Wagtail would have built, so row
ids and the exporter's JSON stay as they are (``state.py``); the browser side
is ``cms/core/static/cms/task-grid.js``.
"""
