"""The wizard's steps, in order, with when each applies and when it is answered.

A step that no longer applies is skipped; the next step is always the first
one, in order, that applies and is not yet answered. Answers that a change
makes meaningless are removed by `invalidate_after`, so they are asked again.

Which steps apply, and in what order, follows the chosen category's rules as
the scheduling API gives them (`requires_business`, `requires_municipality`,
`delivery_methods`), never a category's name. Every function takes the
`WizardState` (`get`, `category`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Step:
    name: str
    title: object  # a lazy string: the question, used in the h1 and the <title>
    applies: Callable[[dict], bool]
    answered: Callable[[dict], bool]


def _always(_wizard):
    return True


def _has(name):
    return lambda wizard: bool(wizard.get(name))


def _for_businesses(wizard):
    return bool(wizard.category and wizard.category.requires_business)


def needs_municipality(wizard) -> bool:
    """Served only in the citizen's municipality (municipal services, article 4.4)."""
    return bool(wizard.category and wizard.category.requires_municipality)


def delivery_methods(wizard) -> tuple[str, ...]:
    return tuple(wizard.category.delivery_methods) if wizard.category else ()


def _kep_step_applies(wizard):
    # "Anywhere" needs no KEP; neither does a municipality with just one (chosen for you).
    return wizard.get("municipality") not in (None, "anywhere")


STEPS = (
    Step("category", _l("What do you need help with?"), _always, _has("category")),
    Step("business", _l("Which business are you acting for?"), _for_businesses, _has("business")),
    Step("procedure", _l("Choose the procedure"), _always, _has("procedure")),
    Step("municipality", _l("Where would you like to be served?"), _always, _has("municipality")),
    Step("kep", _l("Choose the KEP"), _kep_step_applies, _has("kep")),
    # Needs come before the time: the times offered must fit the longer call and have
    # the people it needs (an interpreter), or the citizen would choose a time twice.
    Step("needs", _l("Communication needs"), _always, _has("needs")),
    Step("time", _l("Choose a day and time"), _always, _has("hold")),
    Step("details", _l("Your contact details"), _always, _has("details")),
    Step("document", _l("Your identity document"), _always, _has("document")),
    Step("delivery", _l("How do you want to receive the result?"), _always, _has("delivery")),
    Step("check", _l("Check your answers"), _always, lambda wizard: False),
)
BY_NAME = {step.name: step for step in STEPS}

# Municipal procedures differ per municipality (article 4.4): there the place
# comes first, then the procedure. Everywhere else the procedure comes first.
PLACE_FIRST_ORDER = ("category", "business", "municipality", "kep", "procedure", "needs", "time", "details",
                     "document", "delivery", "check")


def ordered(wizard) -> list[Step]:
    if needs_municipality(wizard):
        return [BY_NAME[name] for name in PLACE_FIRST_ORDER]
    return list(STEPS)

# What each answer makes meaningless when it changes.
DEPENDENTS = {
    "category": ("business", "procedure", "municipality", "kep", "hold", "delivery"),
    "procedure": ("hold",),
    "municipality": ("kep", "hold"),
    "kep": ("hold",),
}


def applicable(wizard) -> list[Step]:
    return [step for step in ordered(wizard) if step.applies(wizard)]


def next_step(wizard) -> Step:
    for step in applicable(wizard):
        if not step.answered(wizard):
            return step
    return BY_NAME["check"]


def previous_step(name, wizard) -> Step | None:
    steps = applicable(wizard)
    names = [step.name for step in steps]
    if name not in names:
        return None
    index = names.index(name)
    return steps[index - 1] if index > 0 else None


def number_of(name, wizard) -> tuple[int, int]:
    """("Step 3 of 9"): the position among the steps that apply now, and how many there are."""
    names = [step.name for step in applicable(wizard)]
    return (names.index(name) + 1 if name in names else len(names)), len(names)


def may_show(name, wizard) -> bool:
    """A step can be shown once every step before it that applies is answered."""
    for step in applicable(wizard):
        if step.name == name:
            return True
        if not step.answered(wizard):
            return False
    return False


def invalidate_after(wizard, name: str, old_value) -> dict:
    """Forget what a changed answer made meaningless; returns what was forgotten, by name."""
    if wizard.get(name) == old_value:
        return {}
    dependents = DEPENDENTS.get(name, ())
    if name == "municipality" and needs_municipality(wizard):
        dependents = (*dependents, "procedure")  # each municipality offers its own procedures
    return {dependent: wizard.pop_raw(dependent) for dependent in dependents if dependent in wizard}
