"""The guideline catalog the reviewer picks citations from (SPEC section 5, step 3), in the
evidence order of 8 CCR 9792.21.1: the MTUS first (rank 1), then other evidence-based
guidelines where the MTUS is silent or outweighed (ACOEM 2, ODG 3), then other sources (4).

Each row prints as "<title> <year> <section> Page(s): <pages>". Pages are those commonly cited
in published IMR letters; a reviewer can edit the citation after picking it."""

from django.db import migrations

CPMTG = "MTUS Chronic Pain Medical Treatment Guidelines"

# (title, year, section, pages)
MTUS = [
    # The ACOEM-based chapters of the MTUS (ACOEM Practice Guidelines, 2nd edition, 2004;
    # the elbow chapter revised 2007).
    ("MTUS ACOEM Pain, Suffering, and the Restoration of Function", 2004, "", ""),
    ("MTUS ACOEM Neck and Upper Back Complaints", 2004, "", ""),
    ("MTUS ACOEM Neck and Upper Back Complaints", 2004, "Special Studies", "177-179"),
    ("MTUS ACOEM Shoulder Complaints", 2004, "", ""),
    ("MTUS ACOEM Shoulder Complaints", 2004, "Special Studies", "207-209"),
    ("MTUS ACOEM Shoulder Complaints", 2004, "Surgical Considerations", "209-211"),
    ("MTUS ACOEM Elbow Disorders", 2007, "", ""),
    ("MTUS ACOEM Forearm, Wrist, and Hand Complaints", 2004, "", ""),
    ("MTUS ACOEM Low Back Complaints", 2004, "", ""),
    ("MTUS ACOEM Low Back Complaints", 2004, "Special Studies", "303-305"),
    ("MTUS ACOEM Low Back Complaints", 2004, "Surgical Considerations", "305-307"),
    ("MTUS ACOEM Knee Complaints", 2004, "", ""),
    ("MTUS ACOEM Knee Complaints", 2004, "Special Studies", "341-343"),
    ("MTUS ACOEM Knee Complaints", 2004, "Surgical Considerations", "344-345"),
    ("MTUS ACOEM Ankle and Foot Complaints", 2004, "", ""),
    ("MTUS ACOEM Stress Related Conditions", 2004, "", ""),
    # The Chronic Pain Medical Treatment Guidelines (8 CCR 9792.24.2), by section and page.
    (CPMTG, 2009, "", ""),
    (CPMTG, 2009, "Antidepressants for chronic pain", "13-16"),
    (CPMTG, 2009, "Anti-epilepsy drugs (AEDs)", "16-22"),
    (CPMTG, 2009, "Aquatic therapy", "22"),
    (CPMTG, 2009, "Behavioral interventions (cognitive behavioral therapy)", "23"),
    (CPMTG, 2009, "Benzodiazepines", "24"),
    (CPMTG, 2009, "Botulinum toxin (Botox)", "25-26"),
    (CPMTG, 2009, "Chronic pain programs (functional restoration programs)", "30-34"),
    (CPMTG, 2009, "Cyclobenzaprine (Flexeril)", "41-42"),
    (CPMTG, 2009, "Drug testing", "43"),
    (CPMTG, 2009, "Epidural steroid injections (ESIs)", "46"),
    (CPMTG, 2009, "Home health services", "51"),
    (CPMTG, 2009, "Lidoderm (lidocaine patch)", "56-57"),
    (CPMTG, 2009, "Manual therapy & manipulation", "58-59"),
    (CPMTG, 2009, "Massage therapy", "60"),
    (CPMTG, 2009, "Muscle relaxants (for pain)", "63-66"),
    (CPMTG, 2009, "NSAIDs (non-steroidal anti-inflammatory drugs)", "67-73"),
    (CPMTG, 2009, "NSAIDs, GI symptoms & cardiovascular risk", "68-69"),
    (CPMTG, 2009, "Opioids", "74-96"),
    (CPMTG, 2009, "Opioids, criteria for use", "76-80"),
    (CPMTG, 2009, "Physical Medicine", "98-99"),
    (CPMTG, 2009, "Psychological treatment", "101-102"),
    (CPMTG, 2009, "Regional sympathetic blocks", "103-104"),
    (CPMTG, 2009, "Spinal cord stimulators (SCS)", "105-107"),
    (CPMTG, 2009, "Topical Analgesics", "111-113"),
    (CPMTG, 2009, "Lumbar Sympathetic Blocks", "114"),
    (CPMTG, 2009, "Transcutaneous electrotherapy (TENS)", "114-116"),
    (CPMTG, 2009, "Interferential current stimulation (ICS)", "118-120"),
    (CPMTG, 2009, "Trigger point injections", "122"),
    (CPMTG, 2009, "Weaning of medications", "124"),
    (CPMTG, 2009, "Work conditioning, work hardening", "125"),
    # The other guidelines of the MTUS.
    ("MTUS Acupuncture Medical Treatment Guidelines", 2007, "", ""),
    ("MTUS Postsurgical Treatment Guidelines", 2009, "", ""),
    ("MTUS Drug Formulary", 2018, "", ""),
    # The ACOEM guidelines the MTUS adopted by reference from its 2017 update on.
    ("MTUS ACOEM Practice Guidelines", 2017, "Low Back Disorders", ""),
    ("MTUS ACOEM Practice Guidelines", 2017, "Cervical and Thoracic Spine Disorders", ""),
    ("MTUS ACOEM Practice Guidelines", 2017, "Shoulder Disorders", ""),
    ("MTUS ACOEM Practice Guidelines", 2017, "Elbow Disorders", ""),
    ("MTUS ACOEM Practice Guidelines", 2017, "Hand, Wrist, and Forearm Disorders", ""),
    ("MTUS ACOEM Practice Guidelines", 2017, "Hip and Groin Disorders", ""),
    ("MTUS ACOEM Practice Guidelines", 2017, "Knee Disorders", ""),
    ("MTUS ACOEM Practice Guidelines", 2017, "Ankle and Foot Disorders", ""),
    ("MTUS ACOEM Practice Guidelines", 2017, "Chronic Pain", ""),
    ("MTUS ACOEM Practice Guidelines", 2017, "Opioids", ""),
    ("MTUS ACOEM Practice Guidelines", 2017, "Workplace Mental Health", ""),
]

ACOEM_TOPICS = [
    "Low Back Disorders",
    "Cervical and Thoracic Spine Disorders",
    "Shoulder Disorders",
    "Elbow Disorders",
    "Hand, Wrist, and Forearm Disorders",
    "Hip and Groin Disorders",
    "Knee Disorders",
    "Ankle and Foot Disorders",
    "Chronic Pain",
    "Opioids",
    "Traumatic Brain Injury",
    "Workplace Mental Health",
]

ODG_SECTIONS = [
    "Ankle & Foot (Acute & Chronic)",
    "Elbow (Acute & Chronic)",
    "Forearm, Wrist, & Hand (Acute & Chronic)",
    "Head",
    "Hip & Pelvis (Acute & Chronic)",
    "Knee & Leg (Acute & Chronic)",
    "Low Back - Lumbar & Thoracic (Acute & Chronic)",
    "Mental Illness & Stress",
    "Neck and Upper Back (Acute & Chronic)",
    "Pain (Chronic)",
    "Shoulder (Acute & Chronic)",
    "Pain (Chronic), Opioids",
    "Pain (Chronic), Medical food",
    "Knee & Leg (Acute & Chronic), Arthroscopic surgery for meniscal tears",
    "Low Back - Lumbar & Thoracic (Acute & Chronic), MRIs (magnetic resonance imaging)",
    "Shoulder (Acute & Chronic), Surgery for rotator cuff repair",
]

# Picking it leaves the citation to the reviewer: a study, a society's guideline, a label.
OTHER = ["Other evidence-based source (type the citation)"]


def seed(apps, schema_editor):
    GuidelineSource = apps.get_model("reviews", "GuidelineSource")
    rows = []
    for title, year, section, pages in MTUS:
        rows.append(("mtus", 1, title, year, section, pages))
    for topic in ACOEM_TOPICS:
        rows.append(("acoem", 2, "ACOEM Practice Guidelines", None, topic, ""))
    for section in ODG_SECTIONS:
        rows.append(("odg", 3, "ODG", None, section, ""))
    for title in OTHER:
        rows.append(("other", 4, title, None, "", ""))
    for family, rank, title, year, section, pages in rows:
        GuidelineSource.objects.get_or_create(
            family=family,
            title=title,
            year=year,
            section=section,
            defaults={"evidence_rank": rank, "pages": pages},
        )


def unseed(apps, schema_editor):
    apps.get_model("reviews", "GuidelineSource").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reviews", "0005_determination_letters")]
    operations = [migrations.RunPython(seed, unseed)]
