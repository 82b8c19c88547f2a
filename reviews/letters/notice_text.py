"""The organization's default paragraphs of the two case-file notices, in our own words. A
system administrator edits them on the letter settings page (each edit is a new LetterText
version); the models use them as the defaults of the new fields."""

DEFAULT_NOTICE_TEXT = {
    "assignment_notice": (
        "The Administrative Director has found the disputed medical treatment named below "
        "eligible for Independent Medical Review and has assigned the review to {org} "
        "(8 CCR 9792.10.4(b)). An expert reviewer who is independent of every party will "
        "decide whether each disputed item is medically necessary. You do not need to do "
        "anything for the review to go ahead."
    ),
    "records_request": (
        "This notice is also our request for information. The claims administrator must send "
        "{org} the documents listed below so that they arrive by the date shown "
        "(8 CCR 9792.10.5(a)(1)): 15 days after this notice was mailed, 12 days if it was sent "
        "electronically, or 24 hours for an expedited review. The employee and the requesting "
        "physician may also send any documents they believe are relevant "
        "(8 CCR 9792.10.5(b), (c))."
    ),
    "ineligibility_notice": (
        "{org} has reviewed the Application for Independent Medical Review in this case and "
        "found that the disputed medical treatment is not eligible for Independent Medical "
        "Review, for the reasons set out below (8 CCR 9792.10.3(c)). No review of the medical "
        "necessity of the treatment will take place on this application."
    ),
    # 8 CCR 10575(a), (c), (e): a finding of ineligibility is a determination a party may
    # appeal, within 30 days after service; 8 CCR 10605(a) adds days for service by mail.
    "ineligibility_next": (
        "If you believe this finding is wrong, you may appeal it by filing a verified petition "
        "with the Workers' Compensation Appeals Board no later than 30 days after service of "
        "this notice, five days more if it was served other than in person to an address in "
        'California (ten elsewhere in the United States). Caption it "Petition Appealing '
        "Administrative Director's Independent Medical Review Determination\" and give the ADJ "
        "number and the IMR case number (8 CCR 10575; 8 CCR 10605(a)). An attorney, or an "
        "Information and Assistance officer of the Division of Workers' Compensation, can "
        "explain how. Where the reason can be put right (for example, an application that was "
        "not signed and is still within its time limit, 8 CCR 9792.10.1(b)), a new "
        "application may be filed. Questions about this notice may be sent to {org} at the "
        "address above."
    ),
}
