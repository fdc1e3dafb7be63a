// SPDX-License-Identifier: MIT
// Writes small PNG, JPEG and BMP seeds (gray, colour, alpha, 16-bit) into folder argv[1] and an LZW
// TIFF into folder argv[2].
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <tiffio.h>

#include <string>

namespace {

/// An 8-bit LZW TIFF with horizontal predictor, two rows per strip (what tifffile cannot write here).
bool write_lzw_tiff(const std::string& path, const cv::Mat& gray) {
  TIFF* tif = TIFFOpen(path.c_str(), "w");
  if (tif == nullptr) return false;
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, gray.cols);
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, gray.rows);
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_LZW);
  TIFFSetField(tif, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
  TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, 2);
  bool ok = true;
  for (int row = 0; row < gray.rows; ++row) ok = ok && TIFFWriteScanline(tif, const_cast<uchar*>(gray.ptr(row)), row) == 1;
  TIFFClose(tif);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  const std::string dir = argv[1];
  cv::Mat gray(12, 17, CV_8UC1);
  cv::randu(gray, 0, 255);
  cv::circle(gray, {8, 6}, 4, cv::Scalar(255), -1);
  cv::Mat gray16;
  gray.convertTo(gray16, CV_16U, 257.0);
  cv::Mat colour;
  cv::cvtColor(gray, colour, cv::COLOR_GRAY2BGR);
  cv::Mat rgba;
  cv::cvtColor(gray, rgba, cv::COLOR_GRAY2BGRA);
  bool ok = cv::imwrite(dir + "/gray8.png", gray) && cv::imwrite(dir + "/gray16.png", gray16) &&
            cv::imwrite(dir + "/bgr.png", colour) && cv::imwrite(dir + "/bgra.png", rgba) &&
            cv::imwrite(dir + "/gray.jpg", gray, {cv::IMWRITE_JPEG_QUALITY, 50}) &&
            cv::imwrite(dir + "/colour.jpg", colour, {cv::IMWRITE_JPEG_QUALITY, 50}) &&
            cv::imwrite(dir + "/progressive.jpg", colour, {cv::IMWRITE_JPEG_PROGRESSIVE, 1}) &&
            cv::imwrite(dir + "/gray.bmp", gray) && cv::imwrite(dir + "/colour.bmp", colour) &&
            write_lzw_tiff(std::string(argv[2]) + "/u8_lzw_predictor.tif", gray);
  return ok ? 0 : 1;
}
