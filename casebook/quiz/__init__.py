"""The quiz engine: presenting and grading (types.py, over content.question_types), draws,
statistics, attempts. No Flask here."""
