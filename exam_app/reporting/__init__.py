"""Pure report building: summaries, item analysis, charts, spreadsheets, roster files.

No Flask and no database here (like grading/ and content/): services hand in plain rows.
"""
