"""Fixed wording of the layout families (chrome, buttons, form labels) in other languages.

The families write English; a site whose content is German, French or Spanish (by the project's
``guess_language`` over its text) gets its chrome in that language, so no page mixes an English
shop frame with foreign content. Content in other languages keeps the English wording. Every
entry is neutral shop wording (a test checks the rendered chrome against the policy lexicon).
"""

from __future__ import annotations

LANGUAGES = ("de", "fr", "es")

# (English, German, French, Spanish)
_ROWS: tuple[tuple[str, str, str, str], ...] = (
    ("Accept", "Akzeptieren", "Accepter", "Aceptar"),
    ("Accept all", "Alle akzeptieren", "Tout accepter", "Aceptar todo"),
    ("Add to Cart", "In den Warenkorb", "Ajouter au panier", "Añadir al carrito"),
    ("Add to bag", "In die Tasche", "Ajouter au sac", "Añadir a la bolsa"),
    ("Add to basket", "In den Korb", "Ajouter au panier", "Añadir a la cesta"),
    ("Add to cart", "In den Warenkorb", "Ajouter au panier", "Añadir al carrito"),
    (
        "Be the first to hear about restocks and new releases.",
        "Erfahren Sie als Erste von Nachschub und Neuheiten.",
        "Soyez les premiers informés des réassorts et des nouveautés.",
        "Entérate antes que nadie de reposiciones y novedades.",
    ),
    (
        "Built with Storefront & WooCommerce.",
        "Erstellt mit Storefront & WooCommerce.",
        "Créé avec Storefront & WooCommerce.",
        "Creado con Storefront y WooCommerce.",
    ),
    (
        "By using this site you agree to our use of cookies.",
        "Mit der Nutzung dieser Seite stimmen Sie der Verwendung von Cookies zu.",
        "En utilisant ce site, vous acceptez notre utilisation des cookies.",
        "Al usar este sitio aceptas nuestro uso de cookies.",
    ),
    ("Comment", "Kommentar", "Commentaire", "Comentario"),
    ("Comments:", "Kommentare:", "Commentaires :", "Comentarios:"),
    (
        "Copyright © {name}. All rights reserved.",
        "Copyright © {name}. Alle Rechte vorbehalten.",
        "Copyright © {name}. Tous droits réservés.",
        "Copyright © {name}. Todos los derechos reservados.",
    ),
    ("Decline", "Ablehnen", "Refuser", "Rechazar"),
    ("E-mail:", "E-Mail:", "E-mail :", "Correo:"),
    ("Email", "E-Mail", "E-mail", "Correo"),
    ("Email address", "E-Mail-Adresse", "Adresse e-mail", "Correo electrónico"),
    (
        "Enter your e-mail address for updates:",
        "Ihre E-Mail-Adresse für Neuigkeiten:",
        "Votre adresse e-mail pour les nouveautés :",
        "Introduce tu correo para recibir novedades:",
    ),
    ("Full name", "Vollständiger Name", "Nom complet", "Nombre completo"),
    ("Get updates", "Neuigkeiten erhalten", "Recevoir les nouveautés", "Recibe novedades"),
    ("Home", "Startseite", "Accueil", "Inicio"),
    ("Information", "Informationen", "Informations", "Información"),
    ("Item #: {sku}", "Art.-Nr.: {sku}", "Réf. : {sku}", "Ref.: {sku}"),
    ("Join", "Anmelden", "Rejoindre", "Unirme"),
    (
        "Join our mailing list",
        "Unser Newsletter",
        "Rejoignez notre liste de diffusion",
        "Únete a nuestra lista de correo",
    ),
    ("Log in", "Anmelden", "Se connecter", "Iniciar sesión"),
    ("Login", "Login", "Connexion", "Entrar"),
    ("Mailing List", "Newsletter", "Liste de diffusion", "Lista de correo"),
    ("Manage", "Verwalten", "Gérer", "Configurar"),
    ("Message", "Nachricht", "Message", "Mensaje"),
    ("Name", "Name", "Nom", "Nombre"),
    ("Name:", "Name:", "Nom :", "Nombre:"),
    (
        "New products and store news, once a month.",
        "Neue Produkte und Neuigkeiten aus dem Laden, einmal im Monat.",
        "Nouveaux produits et nouvelles de la boutique, une fois par mois.",
        "Productos nuevos y noticias de la tienda, una vez al mes.",
    ),
    ("Newsletter", "Newsletter", "Lettre d'information", "Boletín"),
    ("No", "Nein", "Non", "No"),
    ("Notify me", "Benachrichtigen", "Me prévenir", "Avísame"),
    ("OK", "OK", "OK", "OK"),
    (
        "Occasional news about new arrivals. No spam.",
        "Gelegentlich Neuigkeiten zu neuen Artikeln. Kein Spam.",
        "Des nouvelles des arrivages de temps en temps. Pas de spam.",
        "Noticias ocasionales sobre novedades. Sin spam.",
    ),
    ("Password", "Passwort", "Mot de passe", "Contraseña"),
    ("Password:", "Passwort:", "Mot de passe :", "Contraseña:"),
    (
        "Powered by Shopify",
        "Unterstützt von Shopify",
        "Propulsé par Shopify",
        "Con tecnología de Shopify",
    ),
    ("Price:", "Preis:", "Prix :", "Precio:"),
    ("Qty:", "Menge:", "Qté :", "Cant.:"),
    ("Quantity", "Menge", "Quantité", "Cantidad"),
    ("Quick links", "Schnellzugriff", "Liens rapides", "Enlaces rápidos"),
    ("Ref. {sku}", "Art. {sku}", "Réf. {sku}", "Ref. {sku}"),
    ("Reject", "Ablehnen", "Refuser", "Rechazar"),
    ("SKU:", "Art.-Nr.:", "Réf. :", "Ref.:"),
    ("SKU: {sku}", "Art.-Nr.: {sku}", "Réf. : {sku}", "Ref.: {sku}"),
    ("Send", "Senden", "Envoyer", "Enviar"),
    ("Send message", "Nachricht senden", "Envoyer le message", "Enviar mensaje"),
    ("Sign in", "Anmelden", "Se connecter", "Iniciar sesión"),
    ("Sign up", "Eintragen", "S'inscrire", "Suscribirme"),
    (
        "Sign up for store news.",
        "Für Neuigkeiten aus dem Laden eintragen.",
        "Inscrivez-vous aux nouvelles de la boutique.",
        "Suscríbete a las noticias de la tienda.",
    ),
    ("Stay in the loop", "Auf dem Laufenden bleiben", "Restez informé", "No te pierdas nada"),
    ("Submit", "Absenden", "Envoyer", "Enviar"),
    ("Subscribe", "Abonnieren", "S'abonner", "Suscribirse"),
    (
        "Subscribe to our emails",
        "Unsere E-Mails abonnieren",
        "Abonnez-vous à nos e-mails",
        "Suscríbete a nuestros correos",
    ),
    ("Tax included.", "inkl. MwSt.", "TVA incluse.", "Impuestos incluidos."),
    (
        "This site uses cookies for basic features and anonymous visit counts.",
        "Diese Seite nutzt Cookies für Grundfunktionen und anonyme Besuchszahlen.",
        "Ce site utilise des cookies pour ses fonctions de base et des statistiques anonymes.",
        "Este sitio usa cookies para funciones básicas y estadísticas anónimas de visitas.",
    ),
    (
        "This website uses cookies to ensure you get the most from it.",
        "Diese Website verwendet Cookies, damit Sie sie bestmöglich nutzen können.",
        "Ce site utilise des cookies pour vous offrir la meilleure expérience possible.",
        "Este sitio web utiliza cookies para que le saques el máximo partido.",
    ),
    (
        "Username or email address",
        "Benutzername oder E-Mail-Adresse",
        "Identifiant ou adresse e-mail",
        "Nombre de usuario o correo electrónico",
    ),
    (
        "We use cookies on our website to remember your settings.",
        "Wir verwenden Cookies, um Ihre Einstellungen zu speichern.",
        "Nous utilisons des cookies sur notre site pour mémoriser vos réglages.",
        "Usamos cookies en nuestra web para recordar tus ajustes.",
    ),
    (
        "We use cookies to keep your basket and remember your preferences.",
        "Wir verwenden Cookies, um Ihren Warenkorb und Ihre Einstellungen zu speichern.",
        "Nous utilisons des cookies pour garder votre panier et vos préférences.",
        "Usamos cookies para guardar tu cesta y tus preferencias.",
    ),
    (
        "We value your privacy. Cookies help us run this store.",
        "Ihre Privatsphäre ist uns wichtig. Cookies helfen uns, diesen Laden zu führen.",
        "Votre vie privée compte. Les cookies nous aident à faire tourner cette boutique.",
        "Valoramos tu privacidad. Las cookies nos ayudan a mantener esta tienda.",
    ),
    ("Yes", "Ja", "Oui", "Sí"),
    ("You are here:", "Sie sind hier:", "Vous êtes ici :", "Estás aquí:"),
    ("Your email", "Ihre E-Mail", "Votre e-mail", "Tu correo"),
    ("Your email address", "Ihre E-Mail-Adresse", "Votre adresse e-mail", "Tu correo electrónico"),
    ("Your message", "Ihre Nachricht", "Votre message", "Tu mensaje"),
    ("Your name", "Ihr Name", "Votre nom", "Tu nombre"),
    ("© {name}", "© {name}", "© {name}", "© {name}"),
    (
        "© {name} · All rights reserved",
        "© {name} · Alle Rechte vorbehalten",
        "© {name} · Tous droits réservés",
        "© {name} · Todos los derechos reservados",
    ),
    (
        "© {name}. All rights reserved.",
        "© {name}. Alle Rechte vorbehalten.",
        "© {name}. Tous droits réservés.",
        "© {name}. Todos los derechos reservados.",
    ),
)

WORDS: dict[str, dict[str, str]] = {
    lang: {row[0]: row[1 + n] for row in _ROWS} for n, lang in enumerate(LANGUAGES)
}
