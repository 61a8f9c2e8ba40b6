// Fills a buffer from the ESP32's hardware random number generator (esp_fill_random). A host
// function of our own: Moddable's "rng" module is an RC4 stream seeded once, not a CSPRNG.
export default function fillRandom(buffer) @ "xs_phone_fill_random";
