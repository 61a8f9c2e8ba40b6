/*
 * Host function behind hardware-random.js: fills an ArrayBuffer from the ESP32 hardware RNG.
 * esp_fill_random() draws on the RF noise source; ESP-IDF documents it as cryptographically
 * secure while Wi-Fi or Bluetooth is running (the phone always has Wi-Fi up).
 */
#include "xsmc.h"
#include "esp_random.h"

void xs_phone_fill_random(xsMachine *the)
{
	void *data;
	xsUnsignedValue length;

	xsmcGetBufferWritable(xsArg(0), &data, &length);
	esp_fill_random(data, length);
}
