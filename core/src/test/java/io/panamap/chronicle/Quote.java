package io.panamap.chronicle;

import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesMarshallable;
import net.openhft.chronicle.bytes.BytesOut;

/** A sample value with no object fields, so that its own methods allocate nothing either. */
final class Quote implements BytesMarshallable {

    long instrument;
    long bid;
    long ask;
    int size;

    @Override
    public void writeMarshallable(final BytesOut<?> bytes) {
        bytes.writeLong(instrument);
        bytes.writeLong(bid);
        bytes.writeLong(ask);
        bytes.writeStopBit(size);
    }

    @Override
    public void readMarshallable(final BytesIn<?> bytes) {
        instrument = bytes.readLong();
        bid = bytes.readLong();
        ask = bytes.readLong();
        size = (int) bytes.readStopBit();
    }
}
