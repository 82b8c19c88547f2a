"""The organization's fixed paragraphs of the letter as shipped, in our own words. A system
administrator edits them on /settings/organization/ (each edit is a new LetterText version);
the notices cite the statute or rule each one states."""

from reviews.letters.notice_text import DEFAULT_NOTICE_TEXT

DEFAULT_LETTER_TEXT = {
    "how_made": (
        "{org} sent the complete case file to an expert reviewer who is independent of every "
        "party: the reviewer has no affiliation with the employer, the injured worker, the "
        "requesting provider or their group, the utilization review organization or physician, "
        "or the claims administrator. The reviewer has been in active clinical practice for "
        "more than five years and currently practices at least 24 hours a week. The reviewer "
        "was chosen for clinical experience, education, background and expertise in the same "
        "or a similar specialty to those that evaluate or treat the condition and the disputed "
        "items or services, and is familiar with the governing laws and regulations, including "
        "the strength-of-evidence hierarchy that applies to Independent Medical Review."
    ),
    "summary_lead_in": (
        "The expert reviewer wrote the following clinical case summary after reviewing the "
        "whole case file, including all medical records:"
    ),
    "issues_lead_in": (
        "The Final Determination rests on the decisions for the disputed items and services "
        "set out below:"
    ),
    # Lab. Code 4610.6(d): the decision in terms a worker understands, one sentence per item.
    "item_overturned_plain": (
        "The treatment was found medically necessary: the claims administrator must authorize "
        "it, or pay for it if it was already provided, as the notices below explain."
    ),
    "item_upheld_plain": (
        "The treatment was found not medically necessary: the UR decision stands, and the "
        "claims administrator does not have to authorize it."
    ),
    # Printed under DOCUMENTS REVIEWED when this case file lists none (a case carried over
    # from another system): it must not claim there were no records.
    "documents_not_listed": (
        "The documents the expert reviewer examined are not listed in this case file; the case "
        "was carried over from the system where it was reviewed."
    ),
    # 8 CCR 9792.10.6(b)(2): the claims administrator's records (9792.10.5(a)(1)) not all
    # received by their due date; the reviewer may decide on what was received.
    "records_incomplete": (
        "Not every record asked for was received by its due date. As the regulations allow, "
        "the review went on with the records listed above, which are all the medical records "
        "received (8 CCR 9792.10.5(a)(1), 9792.10.6(b)(2))."
    ),
    "binding_notice": (
        "This determination is binding on the employee and the employer (Lab. Code 4610.6). "
        "It is the final determination of the Administrative Director."
    ),
    # Lab. Code 4610.6(h); 8 CCR 10575 (where and how to file).
    "appeal_notice": (
        "Either party may appeal this determination by filing a verified petition with the "
        "Workers' Compensation Appeals Board (WCAB) within 30 days after service of this "
        "letter. Caption it \"Petition Appealing Administrative Director's Independent Medical "
        'Review Determination", give the ADJ number and the IMR case number, and serve it on '
        "the Division of Workers' Compensation's IMR Unit as well as the other parties "
        "(Lab. Code 4610.6(h); 8 CCR 10575)."
    ),
    # Lab. Code 4610.6(h)(1)-(5): the only grounds.
    "appeal_grounds": (
        "The determination is presumed correct. The Appeals Board may set it aside only on "
        "clear and convincing proof of one or more of these grounds (Lab. Code 4610.6(h)):\n"
        "(1) the Administrative Director acted without or in excess of the Administrative "
        "Director's powers;\n"
        "(2) the determination was procured by fraud;\n"
        "(3) the expert reviewer had a material conflict of interest in violation of Lab. Code "
        "139.5;\n"
        "(4) the determination was the result of bias on the basis of race, national origin, "
        "ethnic group identification, religion, age, sex, sexual orientation, color or "
        "disability;\n"
        "(5) the determination was the result of a plainly erroneous finding of fact, express "
        "or implied, where the mistake is a matter of ordinary knowledge based on the "
        "information submitted for review and not a matter of expert opinion."
    ),
    # Lab. Code 4610.6(i): the remedy is a new review, never a WCAB decision on necessity.
    "appeal_remedy": (
        "If the Appeals Board sets the determination aside, the dispute goes back to the "
        "Administrative Director for a new review by a different independent review "
        "organization or, if none is available, by a different reviewer. The Appeals Board "
        "does not itself decide whether the treatment is medically necessary "
        "(Lab. Code 4610.6(i))."
    ),
    # 8 CCR 9792.10.7(a)(1), (a)(2): the duties, counted from receipt.
    "overturned_notice": (
        "For each item overturned above, unless an appeal is filed, the claims administrator "
        "must carry out the decision promptly: authorize a service not yet provided within 5 "
        "working days of receipt of this determination (sooner if the worker's condition calls "
        "for it) and tell the worker and the provider, and reimburse a service already "
        "provided within 20 days of receipt (8 CCR 9792.10.7(a)(1), (a)(2))."
    ),
    # 8 CCR 9792.10.7(a): the exception for liability disputed on other grounds.
    "overturned_exception": (
        "These duties do not apply where the claims administrator has also disputed liability "
        "for the treatment for a reason other than medical necessity (8 CCR 9792.10.7(a))."
    ),
    # 8 CCR 9792.10.7(b); the amounts are in 8 CCR 9792.12.
    "overturned_penalty": (
        "Failing to authorize or to pay within these times is subject to an administrative "
        "penalty for each day the decision is not carried out, in addition to any other "
        "remedy (8 CCR 9792.10.7(b); 8 CCR 9792.12)."
    ),
    # The case-file notices' paragraphs (reviews.letters.notices).
    **DEFAULT_NOTICE_TEXT,
}

LETTER_TEXT_FIELDS = tuple(DEFAULT_LETTER_TEXT)

# The shipped text of version 1 where this file later changed it: a database still printing
# these gets a new version from the defaults above (migration reviews 0008).
SUPERSEDED_DEFAULTS = {
    "appeal_notice": (
        "Either party may appeal this determination by filing a verified petition with the "
        "Workers' Compensation Appeals Board within 30 days of the date of service of this "
        "letter (Lab. Code 4610.6(h); 8 CCR 10575). An appeal is limited to the grounds set "
        "out in Labor Code section 4610.6(h)."
    ),
    "overturned_notice": (
        "For each item overturned above, the claims administrator must authorize the service "
        "within 5 working days of receipt of this determination or, if the service was "
        "already provided, reimburse it within 20 days (8 CCR 9792.10.7)."
    ),
}
