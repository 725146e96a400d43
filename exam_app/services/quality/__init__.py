"""Service quality (服务质量考核) use cases: the standards synced from the catalogue, records
and their appeals, the monthly summary and its confirmation, the quarter's combined score.

The rules themselves are pure, in exam_app/quality/; these modules read and write the
database around them.
"""
