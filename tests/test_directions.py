"""reportgen/narrative/directions.py: how a driver differs between the outcomes, from its contrast."""

from __future__ import annotations

import dataclasses

from reportgen.narrative.directions import direction_text
from reportgen.result import Contrast, ContrastKind, Driver


def driver(contrast: Contrast) -> Driver:
    return Driver(feature="minutes", label="Minutes watched", importance=0.1, direction="", contrast=contrast)


def test_a_numeric_driver_reads_its_medians_or_its_means(stored_synthetic_result):
    d = stored_synthetic_result.dataset
    higher = direction_text(driver(Contrast(ContrastKind.MEDIAN, positive=44.5, negative=5.7)), d)
    lower = direction_text(driver(Contrast(ContrastKind.MEAN, positive=0.148, negative=1510.4)), d)
    assert higher == f"higher among {d.positive_noun}: median 44.5 vs 5.7 for {d.negative_noun}"
    assert lower == f"lower among {d.positive_noun}: mean 0.148 vs 1,510 for {d.negative_noun}"


def test_a_numeric_driver_names_its_blanks_when_either_outcome_has_some(stored_synthetic_result):
    d = stored_synthetic_result.dataset
    blanks = Contrast(ContrastKind.MEAN, positive=8.98, negative=8.89, missing_positive=0.738, missing_negative=0.841)
    assert direction_text(driver(blanks), d) == (
        f"higher among {d.positive_noun}: mean 8.98 vs 8.89 for {d.negative_noun}; no value for 74% of "
        f"{d.positive_noun} vs 84% of {d.negative_noun}")
    few = dataclasses.replace(blanks, missing_positive=0.004, missing_negative=0.009)
    assert direction_text(driver(few), d).endswith(f"vs 8.89 for {d.negative_noun}")


def test_a_yes_no_driver_reads_with_and_without(stored_synthetic_result):
    d = stored_synthetic_result.dataset
    plan = Contrast(ContrastKind.RATES, top="yes", top_rate=0.421, bottom="no", bottom_rate=0.112)
    with_plan = dataclasses.replace(driver(plan), label="International plan")
    assert direction_text(with_plan, d) == (
        f"42.1% of {d.unit} with international plan {d.predicate} vs 11.2% of those without")
    mail = dataclasses.replace(with_plan, label="Voice mail plan", contrast=dataclasses.replace(
        plan, top="False", top_rate=0.167, bottom="True", bottom_rate=0.087))
    assert direction_text(mail, d) == (
        f"16.7% of {d.unit} without voice mail plan {d.predicate} vs 8.7% of those with it")
    sized = dataclasses.replace(with_plan, contrast=dataclasses.replace(plan, top_rows=473, bottom_rows=4527))
    assert direction_text(sized, d) == (
        f"42.1% of the 473 {d.unit} with international plan {d.predicate} vs 11.2% of those without")


def test_a_categorical_driver_reads_its_highest_and_lowest_category(stored_synthetic_result):
    d = stored_synthetic_result.dataset
    rates = driver(Contrast(ContrastKind.RATES, top="US", top_rate=0.226, bottom="EG", bottom_rate=0.017))
    assert direction_text(rates, d) == (f"22.6% of {d.unit} with minutes watched US {d.predicate} vs 1.7% with "
                                        f"minutes watched EG")
    left = dataclasses.replace(d, unit="customers", predicate="left")
    assert direction_text(rates, left) == ("22.6% of customers with minutes watched US left vs 1.7% with minutes "
                                           "watched EG")
    assert direction_text(driver(Contrast(ContrastKind.FLAT)), d) == (
        "varies little between the categories the model distinguishes")


def test_the_run_words_every_driver_from_its_contrast(each_stored_result):
    drivers, dataset = each_stored_result.drivers, each_stored_result.dataset
    assert all(x.direction == direction_text(x, dataset) for x in drivers)
    assert all(x.contrast is not None for x in drivers)


def test_a_count_driver_reads_the_shares_on_either_side_of_its_step(stored_synthetic_result):
    d = stored_synthetic_result.dataset
    calls = driver(Contrast(ContrastKind.STEP, cut=4.0, lowest=0.0, top_rate=0.504, bottom_rate=0.11))
    assert direction_text(calls, d) == f"50.4% of {d.unit} with 4 or more {d.predicate} vs 11.0% with up to 3"
    sized = driver(dataclasses.replace(calls.contrast, top_rows=399, bottom_rows=4601))
    assert direction_text(sized, d) == f"50.4% of the 399 {d.unit} with 4 or more {d.predicate} vs 11.0% with up to 3"
    lower_first = driver(dataclasses.replace(calls.contrast, top_rate=0.05, top_rows=399, bottom_rows=4601))
    assert direction_text(lower_first, d).startswith(f"11.0% of the 4,601 {d.unit} with up to 3")
    requests = driver(Contrast(ContrastKind.STEP, cut=1.0, lowest=0.0, top_rate=0.087, bottom_rate=0.167,
                               missing_positive=0.2, missing_negative=0.1))
    assert direction_text(requests, d) == (
        f"16.7% of {d.unit} with 0 {d.predicate} vs 8.7% with 1 or more; no value for 20% of {d.positive_noun} vs "
        f"10% of {d.negative_noun}")
