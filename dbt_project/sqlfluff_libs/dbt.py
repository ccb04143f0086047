"""Stand-ins for dbt's cross-database macros when sqlfluff renders the models offline.

sqlfluff's jinja templater has no dbt adapter: these return the SQL dbt-duckdb would write,
close enough for linting (the real rendering is dbt's).
"""


def datediff(first_date, second_date, datepart):
    return f"date_diff('{datepart}', {first_date}, {second_date})"


def dateadd(datepart, interval, from_date_or_timestamp):
    return f"({from_date_or_timestamp} + cast({interval} as bigint) * interval 1 {datepart})"


def safe_cast(field, type_):
    return f"try_cast({field} as {type_})"


def type_string():
    return "varchar"


def type_int():
    return "integer"


def type_bigint():
    return "bigint"


def type_float():
    return "float"


def hash(field):  # noqa: A001 - mirrors dbt.hash
    return f"md5(cast({field} as varchar))"


def length(expression):
    return f"length({expression})"


def replace(field, old_chars, new_chars):
    return f"replace({field}, {old_chars}, {new_chars})"
