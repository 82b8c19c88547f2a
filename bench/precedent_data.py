"""The vocabulary of bench/precedents.py's generated decisions: what IMR letters request and how
their rationales read, so full-text queries match about as many items as on the real library.

Each treatment is (category, weight, text); "{body}" in a text is a body part, "{side}" left,
right or bilateral. Weights follow the mix of published IMR decisions roughly: drugs about a
third, then physical therapy, imaging, DME, injections, ... (as bench/roster_data.py's cases).
"""

from __future__ import annotations

TREATMENTS: list[tuple[str, int, str]] = [
    # Pharmaceuticals (about a third of all items).
    ("pharmaceuticals", 40, "Norco 10/325mg #{qty}"),
    ("pharmaceuticals", 20, "Hydrocodone/APAP 10/325mg #{qty}"),
    ("pharmaceuticals", 12, "Oxycodone 15mg #{qty}"),
    ("pharmaceuticals", 8, "OxyContin 20mg #{qty}"),
    ("pharmaceuticals", 10, "Tramadol ER 150mg #{qty}"),
    ("pharmaceuticals", 6, "Percocet 10/325mg #{qty}"),
    ("pharmaceuticals", 5, "Morphine sulfate ER 30mg #{qty}"),
    ("pharmaceuticals", 4, "Fentanyl patch 25mcg #{qty}"),
    ("pharmaceuticals", 18, "Gabapentin 600mg #{qty}"),
    ("pharmaceuticals", 12, "Lyrica 75mg #{qty}"),
    ("pharmaceuticals", 16, "Cyclobenzaprine 7.5mg #{qty}"),
    ("pharmaceuticals", 6, "Flexeril 10mg #{qty}"),
    ("pharmaceuticals", 6, "Soma 350mg #{qty}"),
    ("pharmaceuticals", 5, "Tizanidine 4mg #{qty}"),
    ("pharmaceuticals", 4, "Baclofen 10mg #{qty}"),
    ("pharmaceuticals", 16, "Omeprazole 20mg #{qty}"),
    ("pharmaceuticals", 6, "Pantoprazole 40mg #{qty}"),
    ("pharmaceuticals", 14, "Naproxen sodium 550mg #{qty}"),
    ("pharmaceuticals", 6, "Anaprox DS 550mg #{qty}"),
    ("pharmaceuticals", 6, "Ibuprofen 800mg #{qty}"),
    ("pharmaceuticals", 5, "Meloxicam 15mg #{qty}"),
    ("pharmaceuticals", 4, "Celebrex 200mg #{qty}"),
    ("pharmaceuticals", 12, "Lidoderm 5% patch #{qty}"),
    ("pharmaceuticals", 10, "Terocin patch #{qty}"),
    ("pharmaceuticals", 8, "Compounded topical cream flurbiprofen/cyclobenzaprine/lidocaine"),
    ("pharmaceuticals", 5, "Ketoprofen 20% cream 120gm"),
    ("pharmaceuticals", 6, "Ambien 10mg #{qty}"),
    ("pharmaceuticals", 4, "Zolpidem 10mg #{qty}"),
    ("pharmaceuticals", 5, "Duloxetine 60mg #{qty}"),
    ("pharmaceuticals", 4, "Cymbalta 30mg #{qty}"),
    ("pharmaceuticals", 4, "Trazodone 50mg #{qty}"),
    ("pharmaceuticals", 3, "Xanax 0.5mg #{qty}"),
    ("pharmaceuticals", 3, "Butrans patch 10mcg/hr #4"),
    ("pharmaceuticals", 2, "Suboxone 8/2mg #{qty}"),
    ("pharmaceuticals", 3, "Ondansetron 8mg #{qty}"),
    ("pharmaceuticals", 2, "Senokot-S #{qty}"),
    # Physical / occupational therapy.
    ("pt_ot", 40, "Physical therapy 2x6 {body}"),
    ("pt_ot", 25, "Physical therapy 3x4 {side} {body}"),
    ("pt_ot", 12, "Additional physical therapy 12 sessions {body}"),
    ("pt_ot", 8, "Occupational therapy 2x4 {side} hand and wrist"),
    ("pt_ot", 5, "Aquatic therapy 2x6 {body}"),
    ("pt_ot", 4, "Post-operative physical therapy 12 visits {side} {body}"),
    ("pt_ot", 3, "Work hardening program 10 sessions"),
    # Imaging and other diagnostics.
    ("diagnostic_imaging", 30, "MRI of the {body} without contrast"),
    ("diagnostic_imaging", 10, "MRI {side} {body}"),
    ("diagnostic_imaging", 6, "MR arthrogram {side} shoulder"),
    ("diagnostic_imaging", 8, "CT scan of the {body}"),
    ("diagnostic_imaging", 10, "X-rays of the {side} {body}, 3 views"),
    ("diagnostic_imaging", 3, "Bone scan"),
    ("diagnostic_imaging", 3, "Ultrasound {side} shoulder"),
    ("diagnostic_emg", 14, "EMG/NCV of the bilateral lower extremities"),
    ("diagnostic_emg", 10, "EMG/NCS {side} upper extremity"),
    ("diagnostic_lab", 8, "Urine drug screen"),
    ("diagnostic_lab", 4, "Comprehensive metabolic panel and CBC"),
    ("diagnostic_lab", 2, "Genetic testing for opioid metabolism"),
    ("diagnostic_other", 4, "Functional capacity evaluation"),
    ("diagnostic_other", 3, "Sleep study (polysomnography)"),
    ("diagnostic_other", 2, "Computerized range of motion testing"),
    # Durable medical equipment, orthotics, supplies.
    ("dme", 8, "TENS unit, 30 day rental"),
    ("dme", 6, "Interferential unit purchase"),
    ("dme", 5, "Cold therapy unit, 7 day rental"),
    ("dme", 4, "Continuous passive motion device 21 days {side} knee"),
    ("dme", 4, "Lumbar support brace"),
    ("dme", 3, "Hinged knee brace {side}"),
    ("dme", 3, "Home H-wave device"),
    ("dme", 2, "Motorized scooter"),
    ("dme", 2, "Shower chair"),
    ("prosthetics_orthotics", 3, "Custom orthotics, bilateral feet"),
    ("prosthetics_orthotics", 2, "Wrist splint {side}"),
    ("supplies", 3, "TENS unit supplies: electrodes and batteries"),
    ("supplies", 2, "Cervical traction unit for home use"),
    ("electrical_stimulation", 3, "Neuromuscular electrical stimulator"),
    ("electrical_stimulation", 2, "Spinal cord stimulator trial"),
    # Injections.
    ("injection", 14, "Lumbar epidural steroid injection L4-L5, L5-S1"),
    ("injection", 8, "Cervical epidural steroid injection C5-C6"),
    ("injection", 6, "Transforaminal epidural steroid injection {side} L5-S1"),
    ("injection", 6, "Cortisone injection {side} shoulder"),
    ("injection", 5, "Trigger point injections x4 {body}"),
    ("injection", 4, "Synvisc injection {side} knee"),
    ("injection", 3, "Platelet rich plasma injection {side} elbow"),
    ("injection", 3, "Left lumbar sympathetic block, monitored anesthesia care, epidurography"),
    ("injection", 2, "Sacroiliac joint injection {side}"),
    ("injection_facet", 7, "Lumbar facet medial branch block L4-L5 {side}"),
    ("injection_facet", 5, "Radiofrequency ablation lumbar facets L3-L4, L4-L5"),
    ("injection_facet", 3, "Cervical facet injection C4-C5, C5-C6"),
    # Programs, psychology.
    ("programs", 6, "Functional restoration program 160 hours"),
    ("programs", 3, "Multidisciplinary pain program evaluation"),
    ("programs", 2, "Weight loss program"),
    ("psych_evaluation", 5, "Psychological evaluation"),
    ("psych_evaluation", 2, "Neuropsychological testing"),
    ("psych_therapy", 6, "Cognitive behavioral therapy 6 sessions"),
    ("psych_therapy", 3, "Biofeedback 6 sessions"),
    ("psych_therapy", 2, "Psychotherapy 12 sessions"),
    # Acupuncture, chiropractic, other therapies.
    ("acupuncture", 12, "Acupuncture 2x4 {body}"),
    ("acupuncture", 4, "Electroacupuncture 6 sessions"),
    ("chiropractic", 10, "Chiropractic manipulation 2x4 {body}"),
    ("chiropractic", 4, "Chiropractic treatment 6 visits with myofascial release"),
    ("therapies_other", 4, "Extracorporeal shockwave therapy {side} shoulder"),
    ("therapies_other", 3, "Massage therapy 6 sessions"),
    ("therapies_other", 2, "Home exercise kit"),
    ("rehab_other", 3, "Gym membership 6 months with pool access"),
    ("rehab_other", 2, "Home health aide 4 hours a day"),
    ("home_health", 3, "Home health care 4 hours per day, 5 days per week"),
    # Surgery.
    ("surgery_arthroscopic", 6, "{side} knee arthroscopy with partial medial meniscectomy"),
    ("surgery_arthroscopic", 5, "{side} shoulder arthroscopy with subacromial decompression"),
    ("surgery_arthroscopic", 2, "Arthroscopic rotator cuff repair {side} shoulder"),
    ("surgery_non_arthroscopic", 4, "{side} carpal tunnel release"),
    ("surgery_non_arthroscopic", 3, "Total knee arthroplasty {side}"),
    ("surgery_non_arthroscopic", 2, "{side} trigger finger release"),
    ("surgery_non_arthroscopic", 2, "{side} cubital tunnel release"),
    ("surgery_spine", 4, "Lumbar fusion L4-L5, L5-S1 with instrumentation"),
    ("surgery_spine", 3, "Anterior cervical discectomy and fusion C5-C6"),
    ("surgery_spine", 3, "Lumbar microdiscectomy L5-S1 {side}"),
    ("surgery_spine", 1, "Lumbar laminectomy L4-L5"),
    ("surgery_adjunct", 4, "Pre-operative medical clearance with EKG and labs"),
    ("surgery_adjunct", 3, "Assistant surgeon"),
    ("surgery_adjunct", 2, "Post-operative cold therapy unit"),
    ("surgical_consult", 5, "Orthopedic surgical consultation {body}"),
    ("surgical_consult", 3, "Spine surgery consultation"),
    ("evaluation_management", 6, "Pain management consultation"),
    ("evaluation_management", 4, "Follow-up visit with the primary treating physician"),
    ("evaluation_management", 3, "Neurology consultation"),
    ("evaluation_management", 2, "Internal medicine consultation for hypertension"),
    ("dental", 2, "Dental evaluation and treatment"),
    ("transportation", 2, "Transportation to and from medical appointments"),
]

BODY_PARTS = [
    "lumbar spine",
    "lumbar spine",
    "lumbar spine",
    "low back",
    "cervical spine",
    "cervical spine",
    "neck",
    "thoracic spine",
    "shoulder",
    "shoulder",
    "knee",
    "knee",
    "wrist",
    "hand",
    "elbow",
    "ankle",
    "foot",
    "hip",
    "upper extremity",
    "lower extremity",
]
SIDES = ["left", "right", "bilateral", "left", "right"]
QUANTITIES = ["30", "60", "90", "120", "180", "240", "15", "20", "45"]

# (guideline source, weight, citation) as the reviewer's guideline line names it.
CITATIONS: list[tuple[str, int, str]] = [
    (
        "mtus",
        14,
        "MTUS Chronic Pain Medical Treatment Guidelines, Opioids, criteria for use, Page(s): 76-80",
    ),
    (
        "mtus",
        8,
        "MTUS Chronic Pain Medical Treatment Guidelines, Opioids for chronic pain, Page(s): 80-82",
    ),
    (
        "mtus",
        6,
        "MTUS Chronic Pain Medical Treatment Guidelines, Anti-epilepsy drugs (AEDs), "
        "Page(s): 16-22",
    ),
    (
        "mtus",
        6,
        "MTUS Chronic Pain Medical Treatment Guidelines, Muscle relaxants (for pain), "
        "Page(s): 63-66",
    ),
    (
        "mtus",
        5,
        "MTUS Chronic Pain Medical Treatment Guidelines, NSAIDs, GI symptoms & "
        "cardiovascular risk, Page(s): 68-69",
    ),
    (
        "mtus",
        5,
        "MTUS Chronic Pain Medical Treatment Guidelines, Topical analgesics, Page(s): 111-113",
    ),
    (
        "mtus",
        8,
        "MTUS Chronic Pain Medical Treatment Guidelines, Physical Medicine, Page(s): 98-99",
    ),
    (
        "mtus",
        5,
        "MTUS Chronic Pain Medical Treatment Guidelines, Epidural steroid injections "
        "(ESIs), Page(s): 46",
    ),
    (
        "mtus",
        3,
        "MTUS Chronic Pain Medical Treatment Guidelines, TENS, chronic pain, Page(s): 114-116",
    ),
    (
        "mtus",
        3,
        "MTUS Chronic Pain Medical Treatment Guidelines, Functional restoration "
        "programs, Page(s): 30-32",
    ),
    ("mtus", 3, "MTUS Acupuncture Medical Treatment Guidelines"),
    (
        "mtus",
        3,
        "MTUS Chronic Pain Medical Treatment Guidelines, Manual therapy & manipulation, "
        "Page(s): 58-59",
    ),
    (
        "mtus",
        2,
        "MTUS Chronic Pain Medical Treatment Guidelines, Psychological treatment, Page(s): 101-102",
    ),
    (
        "mtus",
        2,
        "MTUS Chronic Pain Medical Treatment Guidelines, Lumbar Sympathetic Blocks, Page(s): 114",
    ),
    ("mtus", 2, "MTUS Postsurgical Treatment Guidelines, Knee"),
    (
        "acoem",
        5,
        "ACOEM Practice Guidelines, 2nd Edition (2004), Chapter 12, Low Back "
        "Complaints, Page(s): 303-305",
    ),
    (
        "acoem",
        3,
        "ACOEM Practice Guidelines, 2nd Edition (2004), Chapter 8, Neck and Upper "
        "Back Complaints, Page(s): 177-178",
    ),
    (
        "acoem",
        3,
        "ACOEM Practice Guidelines, 2nd Edition (2004), Chapter 13, Knee Complaints, "
        "Page(s): 343-345",
    ),
    ("acoem", 2, "ACOEM Practice Guidelines, Chapter 9, Shoulder Complaints, Page(s): 209-210"),
    (
        "acoem",
        2,
        "ACOEM Practice Guidelines, Chapter 11, Forearm, Wrist, and Hand Complaints, Page(s): 270",
    ),
    ("odg", 5, "Official Disability Guidelines (ODG), Pain chapter, Opioids"),
    ("odg", 3, "Official Disability Guidelines (ODG), Pain chapter, Proton pump inhibitors (PPIs)"),
    (
        "odg",
        3,
        "Official Disability Guidelines (ODG), Low Back chapter, MRIs (magnetic resonance imaging)",
    ),
    (
        "odg",
        2,
        "Official Disability Guidelines (ODG), Knee & Leg chapter, Continuous passive motion (CPM)",
    ),
    (
        "odg",
        2,
        "Official Disability Guidelines (ODG), Mental Illness & Stress chapter, Insomnia treatment",
    ),
    (
        "odg",
        2,
        "Official Disability Guidelines (ODG), Shoulder chapter, Surgery for impingement syndrome",
    ),
    ("odg", 2, "Official Disability Guidelines (ODG), Low Back chapter, Fusion (spinal)"),
    (
        "odg",
        1,
        "Official Disability Guidelines (ODG), Neck and Upper Back chapter, Epidural "
        "steroid injections",
    ),
    (
        "other",
        2,
        "Medical treatment utilization schedule not applicable; peer-reviewed "
        "literature, Spine Journal 2014",
    ),
    ("other", 2, "FDA prescribing information"),
    ("other", 1, "American Academy of Orthopaedic Surgeons clinical practice guideline"),
    ("other", 1, ""),
]

# Sentences of a rationale; {treatment}, {body} and {guideline} are filled in. A rationale is an
# opening, two to four findings and a conclusion (upheld or overturned).
OPENINGS = [
    "The {guideline} recommend {treatment} only when there is documented functional "
    "improvement and a reduction in the dependency on continued medical treatment.",
    "According to the {guideline}, {treatment} may be indicated for chronic pain of the {body} "
    "after a failure of conservative care including physical therapy and medications.",
    "The guidelines state that {treatment} is not recommended as a first-line treatment and "
    "should be reserved for patients with objective findings on examination.",
    "The {guideline} support {treatment} for a limited trial with documented objective "
    "functional improvement before any further sessions are approved.",
    "Per the {guideline}, imaging of the {body} is indicated when there are red flags, "
    "progressive neurologic deficit, or when surgery is being considered.",
    "The {guideline} recommend ongoing review and documentation of pain relief, functional "
    "status, appropriate medication use, and side effects for continued {treatment}.",
    "The {guideline} note that {treatment} can be used diagnostically and therapeutically and "
    "should be accompanied by an active program of exercise.",
    "The guidelines indicate that there is limited evidence to support {treatment}, with most "
    "studies reported being case series of short duration.",
]
FINDINGS = [
    "The injured worker has chronic {body} pain rated 7/10 without medications and 4/10 with "
    "medications.",
    "The records reviewed show the injured worker's pain levels and function over the last "
    "three visits.",
    "There is no documentation of objective functional improvement or a return to work.",
    "A urine drug screen was consistent with the prescribed medications and a signed opioid "
    "agreement is on file.",
    "The injured worker has completed at least 24 sessions of physical therapy for the {body} "
    "without lasting benefit.",
    "The physical examination notes tenderness to palpation of the {body} with decreased range "
    "of motion and a positive straight leg raise.",
    "The progress note documents radicular symptoms with numbness and tingling into the {body}.",
    "A prior MRI of the {body} showed a disc protrusion with mild foraminal narrowing.",
    "There is no evidence of a home exercise program or of a plan to taper the medication.",
    "The requesting physician did not document the duration of relief after the prior injection.",
    "The injured worker reports gastrointestinal upset with NSAID use and a history of gastritis.",
    "The records do not describe a trial and failure of first-line oral medications.",
    "Electrodiagnostic studies were normal and there are no objective neurologic deficits.",
    "The injured worker remains temporarily totally disabled with no improvement in activities "
    "of daily living.",
    "The treating physician reports improved sleep and the ability to walk for 30 minutes.",
    "Depression and anxiety secondary to chronic pain are documented by the treating psychologist.",
]
UPHELD_ENDINGS = [
    "Therefore, the request for {treatment} is not medically necessary.",
    "As such, the medical necessity of {treatment} has not been established.",
    "Given the lack of support per the guidelines, the request cannot be considered medically "
    "necessary.",
    "The request is not medically necessary and appropriate at this time.",
]
OVERTURNED_ENDINGS = [
    "Therefore, the request for {treatment} is medically necessary.",
    "The guideline criteria are met and the request is medically necessary.",
    "Given the documented improvement, continued treatment is medically necessary.",
]
GUIDELINE_NAMES = {
    "mtus": "MTUS Chronic Pain Medical Treatment Guidelines",
    "acoem": "ACOEM Practice Guidelines",
    "odg": "Official Disability Guidelines",
    "other": "evidence-based guidelines",
}

SPECIALTIES = [
    "Orthopedic Surgery",
    "Orthopedic Surgery",
    "Orthopedic Surgery",
    "Pain Management",
    "Pain Management",
    "Physical Medicine & Rehabilitation",
    "Physical Medicine & Rehabilitation",
    "Occupational Medicine",
    "Occupational Medicine",
    "Preventive Medicine, Occupational Medicine",
    "Family Practice",
    "Internal Medicine",
    "Anesthesiology, Pain Medicine",
    "Psychiatry",
    "Chiropractic",
    "Neurology",
    "Psychology",
    "Neurological Surgery",
    "Sports Medicine",
    "Hand Surgery",
]


def weighted(entries: list[tuple[str, int, str]]) -> tuple[list[str], list[str]]:
    """Two parallel arrays (kind, text) with each entry repeated by its weight: a uniform pick
    from them is a weighted pick."""
    kinds, texts = [], []
    for kind, weight, text in entries:
        kinds.extend([kind] * weight)
        texts.extend([text] * weight)
    return kinds, texts
