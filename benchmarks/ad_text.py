"""Realistic job-ad descriptions for benchmarks, in English, Dutch, French and German.

Each description is built from sections (introduction, tasks, profile, offer, closing) whose
sentences are sampled, ordered and filled in per ad, so no two ads share their text: caches keyed
on the description get no free hits. Sizes are 1-3 KB of HTML (median ~2 KB), headings, lists and
paragraphs, like the ads of careers sites and agencies.
"""

from __future__ import annotations

import random

SECTIONS = {
    "en": {
        "heads": ["About the role", "What you'll do", "What we're looking for", "What we offer", "About us"],
        "intro": ["{company} is looking for an experienced {role} to strengthen our team in {city}.",
                  "As {role} you report to the {boss} and work closely with colleagues across Belgium and Luxembourg.",
                  "We are a fast-growing company with {n} employees and offices in {city} and Luxembourg."],
        "tasks": ["Lead and coordinate projects from kick-off to delivery, on time and within budget.",
                  "Build lasting relationships with customers, suppliers and internal stakeholders.",
                  "Analyse processes and propose improvements that make a measurable difference.",
                  "Prepare monthly reports for management and follow up on key figures.",
                  "Coach junior colleagues and share your knowledge within the team.",
                  "Take ownership of planning, quality control and continuous improvement."],
        "profile": ["You hold a master's degree in engineering, economics or a related field.",
                    "At least {y} years of experience in a similar role, preferably in an international environment.",
                    "Fluency in English and Dutch is required; French is a plus.",
                    "You are a strong communicator who can explain complex topics simply.",
                    "You work in a structured way and keep an eye for detail under pressure.",
                    "Experience with SAP, Power BI or Salesforce is an asset."],
        "offer": ["A permanent contract, full-time, with a competitive salary package.",
                  "Hybrid working: two days from home per week.",
                  "Meal vouchers, hospitalisation insurance, a company car and 32 days of leave.",
                  "Training budget and real opportunities to grow within the group."],
    },
    "nl": {
        "heads": ["Functieomschrijving", "Jouw taken", "Jouw profiel", "Ons aanbod", "Over ons"],
        "intro": ["Voor onze klant {company} in {city} zoeken wij een gemotiveerde {role}.",
                  "Als {role} rapporteer je aan de {boss} en werk je nauw samen met collega's in heel België.",
                  "{company} is een groeiend familiebedrijf met {n} medewerkers, actief in de Benelux."],
        "tasks": ["Je staat in voor de dagelijkse opvolging van projecten en bewaakt planning en budget.",
                  "Je bouwt duurzame relaties op met klanten, leveranciers en interne teams.",
                  "Je analyseert processen en stelt verbeteringen voor.",
                  "Je maakt maandelijkse rapporten voor het management.",
                  "Je begeleidt junior collega's en deelt je kennis binnen het team.",
                  "Je neemt verantwoordelijkheid voor kwaliteitscontrole en veiligheid op de werkvloer."],
        "profile": ["Je hebt een bachelor- of masterdiploma in een technische of economische richting.",
                    "Minimum {y} jaar ervaring in een gelijkaardige functie.",
                    "Je spreekt vloeiend Nederlands en Engels; kennis van Frans is een pluspunt.",
                    "Je bent communicatief sterk, klantgericht en stressbestendig.",
                    "Je werkt nauwkeurig en gestructureerd.",
                    "Ervaring met SAP of Excel is een troef."],
        "offer": ["Een vast contract van onbepaalde duur, voltijds (38u/week).",
                  "Een marktconform loon aangevuld met maaltijdcheques, hospitalisatieverzekering en ecocheques.",
                  "Hybride werken: 2 dagen thuiswerk per week.",
                  "Opleidingen en doorgroeimogelijkheden binnen een stabiel bedrijf."],
    },
    "fr": {
        "heads": ["Description de la fonction", "Vos responsabilités", "Votre profil", "Notre offre", "Qui sommes-nous"],
        "intro": ["Pour notre client {company}, situé à {city}, nous recherchons un(e) {role} motivé(e).",
                  "En tant que {role}, vous rapportez au {boss} et travaillez en étroite collaboration avec les équipes belges.",
                  "{company} est une entreprise en pleine croissance qui compte {n} collaborateurs."],
        "tasks": ["Vous assurez le suivi quotidien des projets, dans le respect des délais et du budget.",
                  "Vous développez des relations durables avec les clients et les fournisseurs.",
                  "Vous analysez les processus existants et proposez des améliorations.",
                  "Vous préparez les rapports mensuels pour la direction.",
                  "Vous accompagnez les collègues juniors et partagez vos connaissances.",
                  "Vous êtes responsable du contrôle de la qualité et de la sécurité."],
        "profile": ["Vous êtes titulaire d'un bachelier ou d'un master à orientation technique ou économique.",
                    "Vous avez au moins {y} ans d'expérience dans une fonction similaire.",
                    "Vous parlez couramment le français et le néerlandais ; l'anglais est un atout.",
                    "Vous êtes orienté(e) client, organisé(e) et résistant(e) au stress.",
                    "Vous travaillez de manière rigoureuse et autonome.",
                    "Une expérience avec SAP ou Excel constitue un atout."],
        "offer": ["Un CDI à temps plein au sein d'une entreprise stable.",
                  "Un salaire attractif complété par des chèques-repas, une assurance hospitalisation et des éco-chèques.",
                  "Télétravail possible deux jours par semaine.",
                  "Des formations et de réelles perspectives d'évolution."],
    },
    "de": {
        "heads": ["Ihre Aufgaben", "Ihr Profil", "Wir bieten", "Über uns"],
        "intro": ["Für unseren Kunden {company} in {city} suchen wir eine(n) engagierte(n) {role}.",
                  "Als {role} berichten Sie an den {boss} und arbeiten eng mit Kollegen in Belgien und Luxemburg zusammen.",
                  "{company} ist ein wachsendes Unternehmen mit {n} Mitarbeitenden."],
        "tasks": ["Sie betreuen Projekte von der Planung bis zur Umsetzung, termin- und budgetgerecht.",
                  "Sie pflegen langfristige Beziehungen zu Kunden und Lieferanten.",
                  "Sie analysieren Prozesse und schlagen Verbesserungen vor.",
                  "Sie erstellen monatliche Berichte für die Geschäftsleitung.",
                  "Sie begleiten junge Kolleginnen und Kollegen und teilen Ihr Wissen."],
        "profile": ["Sie haben ein abgeschlossenes Studium im technischen oder kaufmännischen Bereich.",
                    "Mindestens {y} Jahre Berufserfahrung in einer vergleichbaren Position.",
                    "Sie sprechen fließend Deutsch und Französisch; Englisch ist von Vorteil.",
                    "Sie arbeiten strukturiert, selbstständig und kundenorientiert."],
        "offer": ["Eine unbefristete Festanstellung in Vollzeit.",
                  "Ein attraktives Gehalt, Essensgutscheine und eine Zusatzversicherung.",
                  "Homeoffice an zwei Tagen pro Woche.",
                  "Weiterbildung und Entwicklungsmöglichkeiten in einem internationalen Umfeld."],
    },
}
ROLES = ["Project Manager", "Data Engineer", "Accountant", "Sales Manager", "HR Business Partner",
         "Maintenance Technician", "Customer Service Agent", "Logistics Coordinator", "Java Developer"]
BOSSES = ["CFO", "Head of Operations", "Plant Manager", "Country Manager", "IT Director"]
CITIES = ["Gent", "Antwerpen", "Bruxelles", "Liège", "Leuven", "Namur", "Mechelen", "Kortrijk",
          "Hasselt", "Luxembourg", "Esch-sur-Alzette", "Wavre", "Groot-Bijgaarden", "Diegem"]


def _body(rng: random.Random, i: int) -> tuple[str, str]:
    lang = rng.choice(list(SECTIONS))
    pool = SECTIONS[lang]
    values = {"company": f"Company {i}", "role": rng.choice(ROLES), "city": rng.choice(CITIES),
              "boss": rng.choice(BOSSES), "n": rng.randint(20, 5000), "y": rng.randint(1, 10)}
    parts = []
    heads = iter(pool["heads"])
    for section, lists in (("intro", False), ("tasks", True), ("profile", True), ("offer", True)):
        sentences = rng.sample(pool[section], rng.randint(2, len(pool[section])))
        sentences = [s.format(**values) + (rng.choice(DETAILS[lang]) if lists and rng.random() < 0.6 else "")
                     for s in sentences]
        if section != "intro":
            parts.append(f"<h3>{next(heads, '')}</h3>")
        if lists:
            parts.append("<ul>" + "".join(f"<li>{s}</li>" for s in sentences) + "</ul>")
        else:
            parts.append("<p>" + " ".join(sentences) + "</p>")
    return lang, "".join(parts)

CLOSING = {
    "en": ["{company} is an equal opportunity employer: we welcome applications from everyone, whatever their age, gender, origin, beliefs, disability or sexual orientation, and we select only on skills and motivation.",
           "Interested? Send us your CV and a short motivation letter through the apply button below; our recruiter will contact you within five working days to plan a first conversation.",
           "Founded over thirty years ago, {company} helps hundreds of customers in manufacturing, retail, healthcare and the public sector to work smarter, with a team that values openness, ownership and a good laugh on Friday afternoon."],
    "nl": ["{company} voert een actief diversiteitsbeleid: we verwelkomen alle kandidaturen, ongeacht leeftijd, geslacht, afkomst, geloof, handicap of seksuele geaardheid, en selecteren enkel op competenties en motivatie.",
           "Interesse? Solliciteer via de knop hieronder met je cv en een korte motivatie; onze consulent neemt binnen vijf werkdagen contact met je op voor een eerste kennismaking.",
           "Al meer dan dertig jaar helpt {company} honderden klanten in de industrie, de retail, de zorg en de overheid om slimmer te werken, met een team dat openheid, verantwoordelijkheid en een goede sfeer hoog in het vaandel draagt."],
    "fr": ["{company} mène une politique active de diversité : nous accueillons toutes les candidatures, sans distinction d'âge, de genre, d'origine, de conviction, de handicap ou d'orientation sexuelle, et sélectionnons uniquement sur base des compétences.",
           "Intéressé(e) ? Postulez via le bouton ci-dessous avec votre CV et une courte lettre de motivation ; notre consultant(e) vous contactera dans les cinq jours ouvrables pour un premier entretien.",
           "Depuis plus de trente ans, {company} aide des centaines de clients de l'industrie, du commerce, des soins de santé et du secteur public à travailler plus intelligemment, avec une équipe qui valorise l'ouverture et la responsabilité."],
    "de": ["{company} fördert aktiv Vielfalt: Wir begrüßen alle Bewerbungen, unabhängig von Alter, Geschlecht, Herkunft, Weltanschauung, Behinderung oder sexueller Orientierung, und entscheiden allein nach Kompetenz und Motivation.",
           "Interessiert? Bewerben Sie sich über die Schaltfläche unten mit Lebenslauf und einem kurzen Anschreiben; unsere Beraterin meldet sich innerhalb von fünf Arbeitstagen bei Ihnen.",
           "Seit über dreißig Jahren unterstützt {company} Hunderte von Kunden aus Industrie, Handel, Gesundheitswesen und öffentlichem Sektor dabei, effizienter zu arbeiten."],
}


def description_html(rng: random.Random, i: int) -> tuple[str, str]:
    """(language, HTML) of ad number ``i``: unique text drawn with ``rng``."""
    lang, body = _body(rng, i)
    values = {"company": f"Company {i}"}
    closing = rng.sample(CLOSING[lang], rng.randint(1, 3))
    return lang, body + "".join(f"<p>{s.format(**values)}</p>" for s in closing)

DETAILS = {
    "en": [" You do this in close cooperation with the finance, operations and sales teams.",
           " This includes preparing clear documentation and presenting results to the management board.",
           " You keep track of priorities, risks and dependencies, and escalate in time when needed.",
           " Our customers range from small local businesses to large international groups."],
    "nl": [" Dit doe je in nauwe samenwerking met de afdelingen financiën, operaties en verkoop.",
           " Je zorgt daarbij voor duidelijke documentatie en presenteert de resultaten aan de directie.",
           " Je houdt prioriteiten, risico's en afhankelijkheden in het oog en escaleert tijdig waar nodig.",
           " Onze klanten gaan van kleine lokale bedrijven tot grote internationale groepen."],
    "fr": [" Vous le faites en étroite collaboration avec les départements finance, opérations et ventes.",
           " Vous rédigez une documentation claire et présentez les résultats à la direction.",
           " Vous suivez les priorités, les risques et les dépendances, et alertez à temps si nécessaire.",
           " Nos clients vont des petites entreprises locales aux grands groupes internationaux."],
    "de": [" Dabei arbeiten Sie eng mit den Abteilungen Finanzen, Betrieb und Vertrieb zusammen.",
           " Dazu gehören eine klare Dokumentation und die Präsentation der Ergebnisse vor der Geschäftsleitung.",
           " Sie behalten Prioritäten, Risiken und Abhängigkeiten im Blick und eskalieren rechtzeitig.",
           " Unsere Kunden reichen von kleinen lokalen Betrieben bis zu großen internationalen Konzernen."],
}
