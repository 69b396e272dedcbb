package io.flatline.ingest.devicemap;

/** How to reach a device. */
public sealed interface Endpoint {
    /** Modbus TCP (MBAP framing), or RTU frames tunnelled over TCP through a gateway. */
    record Tcp(String host, int port, boolean rtuOverTcp) implements Endpoint {
        @Override
        public String toString() {
            return (rtuOverTcp ? "rtu-over-tcp://" : "tcp://") + host + ":" + port;
        }
    }

    /** Modbus RTU on a serial line. */
    record Serial(String port, int baudRate, int dataBits, Parity parity, int stopBits) implements Endpoint {
        @Override
        public String toString() {
            return "rtu://" + port + "@" + baudRate + "," + dataBits + parity.letter() + stopBits;
        }
    }

    enum Parity {
        NONE('N'), EVEN('E'), ODD('O');

        private final char letter;

        Parity(char letter) {
            this.letter = letter;
        }

        public char letter() {
            return letter;
        }
    }
}
