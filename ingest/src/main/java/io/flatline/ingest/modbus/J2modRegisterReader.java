package io.flatline.ingest.modbus;

import com.ghgande.j2mod.modbus.Modbus;
import com.ghgande.j2mod.modbus.ModbusSlaveException;
import com.ghgande.j2mod.modbus.io.ModbusSerialTransaction;
import com.ghgande.j2mod.modbus.io.ModbusTCPTransaction;
import com.ghgande.j2mod.modbus.io.ModbusTransaction;
import com.ghgande.j2mod.modbus.msg.ModbusRequest;
import com.ghgande.j2mod.modbus.msg.ModbusResponse;
import com.ghgande.j2mod.modbus.msg.ReadInputRegistersRequest;
import com.ghgande.j2mod.modbus.msg.ReadInputRegistersResponse;
import com.ghgande.j2mod.modbus.msg.ReadMultipleRegistersRequest;
import com.ghgande.j2mod.modbus.msg.ReadMultipleRegistersResponse;
import com.ghgande.j2mod.modbus.net.AbstractSerialConnection;
import com.ghgande.j2mod.modbus.net.SerialConnection;
import com.ghgande.j2mod.modbus.net.TCPMasterConnection;
import com.ghgande.j2mod.modbus.util.SerialParameters;
import io.flatline.ingest.devicemap.Endpoint;
import io.flatline.ingest.registers.RegisterKind;
import io.flatline.ingest.registers.RegisterRange;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.function.IntUnaryOperator;

/**
 * Reads registers through j2mod's transports (Modbus TCP, RTU over TCP, RTU on a serial line) but never through
 * its master facades, which also write: the only requests this class can build are function codes 3 and 4.
 * j2mod's own retries are off; retrying, with backoff, is the poller's decision.
 */
public final class J2modRegisterReader implements RegisterReader {
    private final Endpoint endpoint;
    private final int unitId;
    private final int timeoutMillis;
    private volatile Link link;

    public J2modRegisterReader(Endpoint endpoint, int unitId, Duration timeout) {
        this.endpoint = endpoint;
        this.unitId = unitId;
        this.timeoutMillis = (int) Math.max(1, timeout.toMillis());
    }

    @Override
    public int[] read(RegisterRange range) throws ModbusReadException {
        try {
            Link current = connected();
            ModbusRequest request = request(range);
            request.setUnitID(unitId);
            current.transaction().setRequest(request);
            current.transaction().execute();
            return registers(range, current.transaction().getResponse());
        } catch (ModbusReadException e) {
            close();
            throw e;
        } catch (ModbusSlaveException e) {
            close();
            throw new ModbusReadException("exception reply to a read of " + describe(range) + ": " + e.getMessage(), e);
        } catch (Exception e) {
            // j2mod's connect() throws Exception; whatever went wrong, the link is no longer trusted.
            close();
            throw new ModbusReadException("read of " + describe(range) + " from " + endpoint + " failed: " + e.getMessage(), e);
        }
    }

    /** The only requests ingest ever sends. */
    private static ModbusRequest request(RegisterRange range) {
        return switch (range.kind()) {
            case HOLDING -> new ReadMultipleRegistersRequest(range.start(), range.count());
            case INPUT -> new ReadInputRegistersRequest(range.start(), range.count());
        };
    }

    private int[] registers(RegisterRange range, ModbusResponse response) throws ModbusReadException {
        int[] values;
        if (response instanceof ReadMultipleRegistersResponse holding && range.kind() == RegisterKind.HOLDING) {
            values = values(holding.getWordCount(), holding::getRegisterValue);
        } else if (response instanceof ReadInputRegistersResponse input && range.kind() == RegisterKind.INPUT) {
            values = values(input.getWordCount(), input::getRegisterValue);
        } else {
            throw new ModbusReadException("reply to a read of " + describe(range) + " has function code "
                    + (response == null ? "none" : response.getFunctionCode()));
        }
        if (values.length != range.count()) {
            throw new ModbusReadException("reply to a read of " + describe(range) + " has " + values.length + " registers");
        }
        if (response.getUnitID() != unitId && endpoint instanceof Endpoint.Tcp tcp && !tcp.rtuOverTcp()) {
            throw new ModbusReadException("reply to a read of " + describe(range) + " came from unit " + response.getUnitID());
        }
        return values;
    }

    private static int[] values(int count, IntUnaryOperator register) {
        int[] values = new int[count];
        for (int i = 0; i < count; i++) {
            values[i] = register.applyAsInt(i);
        }
        return values;
    }

    private Link connected() throws Exception {
        if (link == null) {
            link = endpoint instanceof Endpoint.Tcp tcp ? tcp(tcp) : serial((Endpoint.Serial) endpoint);
        }
        return link;
    }

    private Link tcp(Endpoint.Tcp tcp) throws Exception {
        TCPMasterConnection connection = new TCPMasterConnection(InetAddress.getByName(tcp.host()));
        connection.setPort(tcp.port());
        connection.setTimeout(timeoutMillis);
        connection.connect(tcp.rtuOverTcp());
        ModbusTCPTransaction transaction = new ModbusTCPTransaction(connection);
        transaction.setRetries(1);
        transaction.setReconnecting(false);
        transaction.setCheckingValidity(true);
        return new Link(transaction, connection::close);
    }

    private Link serial(Endpoint.Serial serial) throws IOException {
        SerialParameters parameters = new SerialParameters();
        parameters.setPortName(serial.port());
        parameters.setBaudRate(serial.baudRate());
        parameters.setDatabits(serial.dataBits());
        parameters.setStopbits(serial.stopBits());
        parameters.setParity(switch (serial.parity()) {
            case NONE -> AbstractSerialConnection.NO_PARITY;
            case EVEN -> AbstractSerialConnection.EVEN_PARITY;
            case ODD -> AbstractSerialConnection.ODD_PARITY;
        });
        parameters.setEncoding(Modbus.SERIAL_ENCODING_RTU);
        parameters.setEcho(false);
        parameters.setOpenDelay(0);
        SerialConnection connection = new SerialConnection(parameters);
        connection.setTimeout(timeoutMillis);
        try {
            connection.open();
        } catch (IOException e) {
            connection.close();
            throw e;
        }
        ModbusSerialTransaction transaction = new ModbusSerialTransaction(connection);
        transaction.setRetries(1);
        return new Link(transaction, connection::close);
    }

    private String describe(RegisterRange range) {
        return range.count() + " " + range.kind().name().toLowerCase(Locale.ROOT)
                + " registers at " + range.start() + " (unit " + unitId + ")";
    }

    @Override
    public void close() {
        Link current = link;
        link = null;
        if (current != null) {
            current.closer().run();
        }
    }

    private record Link(ModbusTransaction transaction, Runnable closer) {
    }
}
