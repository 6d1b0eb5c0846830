"""Survey building helpers: SurveyQuestionRef (a question of a Survey being
built) and Choice (an answer naming an option of a choice question)."""

from typing import Any

__all__ = ["SurveyQuestionRef", "Choice"]


class SurveyQuestionRef:
    """A question of a Survey, as returned by Survey.add_question.

    Its methods call the survey's methods with the question's index and
    return the SurveyQuestionRef itself, so that they chain::

        s = csvc.Survey("exit_poll", title="离店调查")
        s.add_question("effort", csvc.QuestionType.CES).set_scale(5)
        s.add_question("visit_reason", "choice", required=True) \\
            .add_option("shopping").add_option("returns")

    It is also the question's index (``int(q)``, ``operator.index``), so it
    can be passed wherever Survey takes one.
    """

    __slots__ = ("_survey", "_index", "_name")

    def __init__(self, survey: Any, index: int, name: str) -> None:
        self._survey = survey
        self._index = index
        self._name = name

    @property
    def survey(self) -> Any:
        """The Survey the question belongs to."""
        return self._survey

    @property
    def index(self) -> int:
        """The question's position in the survey (0 for the first added)."""
        return self._index

    @property
    def name(self) -> str:
        """The question's name."""
        return self._name

    def __index__(self) -> int:
        return self._index

    def __int__(self) -> int:
        return self._index

    def __repr__(self) -> str:
        return f"<csvc.SurveyQuestionRef {self._name!r} of {self._survey.name!r} index={self._index}>"

    def set_scale(self, scale_max: int) -> "SurveyQuestionRef":
        """Sets the top of the 1..scale_max scale (3 to 11) of a Likert, CES
        or SERVQUAL question."""
        self._survey.set_scale(self._index, scale_max)
        return self

    def add_option(self, option: str) -> "SurveyQuestionRef":
        """Adds option `option` (a machine name) to a choice question."""
        self._survey.add_option(self._index, option)
        return self


class Choice(str):
    """An answer that names an option of a choice question.

    A plain str answers a text question; wrap the option's name to answer a
    choice question: ``{"visit_reason": csvc.Choice("returns")}``. A Choice
    is a str (it compares equal to the option's name).
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"csvc.Choice({str.__repr__(self)})"
