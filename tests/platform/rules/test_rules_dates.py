"""lieu's date operators: ages, day counts and windows, with leap years and bad dates."""

from __future__ import annotations

import datetime as dt

import pytest

from lieu.platform.rules.errors import EvaluationError
from tests.platform.rules.reference_compiler import evaluate


def age(birth: str, on: str) -> object:
    return evaluate({"age_at": [{"var": "birth"}, {"var": "as_of"}]}, {"birth": birth, "as_of": on})


def test_age_goes_up_on_the_birthday_not_the_day_before():
    assert age("2006-06-01", "2024-05-31") == 17
    assert age("2006-06-01", "2024-06-01") == 18


def test_a_feb_29_birthday_counts_from_march_1_in_common_years():
    assert age("2004-02-29", "2022-02-28") == 17
    assert age("2004-02-29", "2022-03-01") == 18
    assert age("2004-02-29", "2024-02-29") == 20
    assert age("2004-02-29", "2024-02-28") == 19


def test_age_on_the_day_of_birth_is_zero_and_before_it_negative():
    assert age("2024-01-01", "2024-01-01") == 0
    assert age("2024-01-02", "2024-01-01") == -1


def test_days_between_counts_end_minus_start_across_leap_days():
    rule = {"days_between": [{"var": "a"}, {"var": "b"}]}
    assert evaluate(rule, {"a": "2024-02-28", "b": "2024-03-01"}) == 2
    assert evaluate(rule, {"a": "2023-02-28", "b": "2023-03-01"}) == 1
    assert evaluate(rule, {"a": "2024-03-01", "b": "2024-02-28"}) == -2


def test_datetimes_count_as_the_calendar_date_written_in_them():
    rule = {"days_between": [{"var": "a"}, {"var": "b"}]}
    data = {"a": "2024-01-01T23:59:00-08:00", "b": "2024-01-02T00:01:00Z"}
    assert evaluate(rule, data) == 1


def test_date_add_days_gives_an_iso_date():
    assert evaluate({"date_add_days": ["2024-02-28", 1]}) == "2024-02-29"
    assert evaluate({"date_add_days": ["2023-02-28", 1]}) == "2023-03-01"
    assert evaluate({"date_add_days": ["2024-03-01", -1]}) == "2024-02-29"
    assert evaluate({"date_add_days": ["2024-01-01", 2.0]}) == "2024-01-03"


def test_within_days_includes_both_ends_of_the_window_and_nothing_after_as_of():
    rule = {"within_days": [{"var": "d"}, 30, "2024-03-31"]}
    assert evaluate(rule, {"d": "2024-03-01"}) is True
    assert evaluate(rule, {"d": "2024-02-29"}) is False
    assert evaluate(rule, {"d": "2024-03-31"}) is True
    assert evaluate(rule, {"d": "2024-04-01"}) is False


def test_null_dates_give_null_and_within_days_false_in_standard_evaluation():
    assert evaluate({"age_at": [{"var": "missing"}, "2024-01-01"]}, {}) is None
    assert evaluate({"days_between": [None, "2024-01-01"]}) is None
    assert evaluate({"within_days": [{"var": "d"}, 30, "2024-01-01"]}, {}) is False


def test_date_values_from_python_are_accepted():
    assert (
        evaluate(
            {"age_at": [{"var": "b"}, {"var": "on"}]},
            {"b": dt.date(2000, 5, 5), "on": dt.datetime(2020, 5, 5, 1)},
        )
        == 20
    )


@pytest.mark.parametrize(
    "bad", ["2024-13-01", "2023-02-29", "20240101", "2024-W01-1", "soon", 20240101, True]
)
def test_a_fact_that_is_not_a_date_raises_an_evaluation_error_naming_it(bad: object):
    with pytest.raises(EvaluationError) as caught:
        evaluate({"and": [True, {"age_at": [{"var": "dob"}, "2024-01-01"]}]}, {"dob": bad})
    assert caught.value.code == "bad_date"
    assert caught.value.pointer == "/and/1"
    assert caught.value.value == bad
    assert "YYYY-MM-DD" in caught.value.message


def test_a_day_count_that_is_not_whole_raises_bad_number():
    with pytest.raises(EvaluationError) as caught:
        evaluate({"date_add_days": ["2024-01-01", {"var": "n"}]}, {"n": 1.5})
    assert caught.value.code == "bad_number"
