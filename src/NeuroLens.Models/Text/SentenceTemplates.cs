namespace NeuroLens.Models.Text;

/// <summary>
/// The sentence templates of the built-in corpus. A slot <c>{animal}</c> takes a word of that concept
/// category (see <see cref="Slots"/>); <c>{a animal}</c> the word with "a" or "an" in front; <c>{name}</c>,
/// <c>{place}</c>, <c>{adj}</c>, <c>{time}</c> and <c>{verb}</c> take filler words, <c>{pronoun}</c> the possessive pronoun of the last name (else "her" or "his"). Concept words are never first
/// in a sentence, so they always appear in lower case.
/// </summary>
internal static class SentenceTemplates
{
    /// <summary>Slot name → built-in category.</summary>
    public static readonly IReadOnlyDictionary<string, string> Slots = new Dictionary<string, string>
    {
        ["animal"] = "animals", ["colour"] = "colours", ["country"] = "countries", ["number"] = "numbers", ["food"] = "foods",
        ["profession"] = "professions", ["body"] = "body parts", ["vehicle"] = "vehicles", ["instrument"] = "musical instruments",
        ["sport"] = "sports", ["clothing"] = "clothing", ["tool"] = "tools", ["plant"] = "plants", ["weather"] = "weather",
        ["family"] = "family relations", ["emotion"] = "emotions",
    };

    /// <summary>Templates with concept slots.</summary>
    public static readonly string[] WithConcepts =
    [
        "The {profession} fed the {animal} before the {weather} came.",
        "{name} painted {a animal} on the side of the {colour} {vehicle}.",
        "My {family} once travelled to {country} by {vehicle}.",
        "The {profession} counted to {number} and then picked up the {tool}.",
        "{name} ate the {food} while the {weather} grew stronger outside.",
        "After the {sport} match, the {profession} hurt {pronoun} {body}.",
        "{name} learned to play the {instrument} from {pronoun} {family}.",
        "In {country}, every {profession} wears {a clothing} on holidays.",
        "The {adj} {animal} slept under the {plant} all afternoon.",
        "We found {a colour} {clothing} next to the old {tool}.",
        "{name} felt a rush of {emotion} when the {vehicle} finally arrived.",
        "The {family} planted {a plant} near the door {time}.",
        "There were {number} of them waiting at {place} for the {vehicle}.",
        "Because of the {weather}, the {sport} game was cancelled.",
        "The {profession} used {a tool} to fix the {vehicle}.",
        "{name} keeps {a animal} and {a animal} on a farm in {country}.",
        "The recipe needs {food}, {food} and a little {food}.",
        "Her {family} plays the {instrument} in a band from {country}.",
        "{name} wore {pronoun} {colour} {clothing} to the {sport} final.",
        "Nothing could hide the {emotion} in the eyes of the {profession}.",
        "The {animal} ran past the {plant} and into the {weather}.",
        "{name} broke {pronoun} {body} while practising {sport}.",
        "The {profession} from {country} brought {food} for everyone.",
        "{a adj} {vehicle} carried the {instrument} to {place}.",
        "With {emotion}, the {family} opened the box and found {a tool}.",
        "{name} says {sport} is more fun than {sport}.",
        "The {colour} {plant} in the garden survived the {weather}.",
        "Exactly {number} people heard the {instrument} that night.",
        "The {profession} rubbed {pronoun} {body} and sighed with {emotion}.",
        "On the trip to {country}, {name} lost {a colour} {clothing}.",
        "{name} told {pronoun} {family} about the {animal} in the shed.",
        "The smell of {food} filled the {vehicle} on the way to {place}.",
        "Every {family} in the village owns {a tool} and {a clothing}.",
        "The {weather} shook the {plant} outside the window {time}.",
        "{name} chose {sport} over the {instrument} lessons.",
        "It took {number} days to sail from {country} to {country}.",
        "The {animal} watched the {profession} cook the {food}.",
        "{a colour} {vehicle} stopped beside the {adj} {plant}.",
        "{name} bandaged the {body} of the injured {animal}.",
        "Feelings of {emotion} and {emotion} followed the news from {country}.",
        "The {profession} kept {a tool} in the pocket of {pronoun} {clothing}.",
        "{name} heard the {instrument} over the noise of the {weather}.",
        "The team trained for {sport} {number} times a week.",
        "The old {clothing} was the colour of {a food}.",
        "The {family} rode {a vehicle} through the fields of {country}.",
        "The {animal} has a very {adj} {body}.",
        "{name} offered the {profession} some {food} and a cup of tea.",
        "The {plant} grew so tall that the {family} needed {a tool} to reach it.",
        "Some say the {weather} in {country} can last for {number} weeks.",
        "{name} painted the {instrument} {colour} for the festival.",
        "The {profession} felt only {emotion} after losing at {sport}.",
        "{a adj} {animal} was hiding inside the {vehicle}.",
        "{name} carried {a tool}, {a food} and a spare {clothing}.",
        "Under the {plant}, the {family} spoke about {emotion} and {emotion}.",
        "Someone looked at the {body} and then at the {body}.",
        "{name} counted {number} {colour} flags at {place}.",
        "The {weather} ruined the {food} that the {profession} had left outside.",
        "At {place}, the {animal} followed the sound of the {instrument}.",
        "{name} bought {a colour} {clothing} in {country} {time}.",
        "The {sport} club hired {a profession} from {country}.",
    ];

    /// <summary>Templates without concept words.</summary>
    public static readonly string[] WithoutConcepts =
    [
        "{name} {verb} the letter and walked to {place}.",
        "It was {adj} at {place} {time}.",
        "Nobody knew why {name} had left so early.",
        "The road to {place} was long and {adj}.",
        "{name} and {name} met at {place} {time}.",
        "Everyone agreed that the plan was {adj}.",
        "{name} {verb} the old book and smiled.",
        "The meeting at {place} ended {time}.",
        "Later, {name} said it had been {a adj} day.",
        "The window at {place} was open {time}.",
    ];
}
