class ReportInputError(Exception):
    """A problem the user can fix: the message says what is wrong, where, and what to do.

    The CLI prints it as one line and exits with code 2.
    """
