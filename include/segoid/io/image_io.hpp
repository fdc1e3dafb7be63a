// SPDX-License-Identifier: MIT
// Reading and writing microscope images: libtiff for TIFF, OpenCV for PNG/JPEG/BMP.
#pragma once

#include <opencv2/core.hpp>

#include <filesystem>
#include <string>

#include "segoid/io/image_meta.hpp"

namespace segoid::io {

/// An image as stored: one channel, native depth (CV_8U, CV_16U or CV_32F).
/// Colour files are converted to gray by ITU-R BT.601 luma weights (0.299 R + 0.587 G + 0.114 B),
/// as OpenCV and scikit-image's rgb2gray-like conversions do; alpha is dropped.
struct Image {
  cv::Mat pixels;  ///< H x W, CV_8UC1, CV_16UC1 or CV_32FC1
  ImageMeta meta;
};

/// Reads the first page of an image file (TIFF of any common layout, PNG, JPEG, BMP).
/// The format is recognised by content (TIFF signature), not by extension.
/// TIFF: 1/8/16-bit unsigned or 32-bit float samples; strips or tiles; chunky or planar; any
/// codec of the installed libtiff (none, LZW, Deflate, PackBits, JPEG, ...); classic or BigTIFF;
/// either byte order. Sample values are returned raw, as tifffile and ImageJ show them: palette
/// images give their indices, min-is-white files are not inverted, 1-bit (bilevel) pixels become
/// 0/255. RGB(A) becomes gray by BT.601 luma rounded to the input depth; other multi-sample
/// layouts give their first sample with a warning; YCbCr/CMYK/Lab 8-bit go through libtiff's
/// RGBA conversion. A multi-page TIFF logs a warning.
/// Throws IoError "cannot read \"<path>\": <problem>" for a missing, empty, corrupt, truncated
/// (any libtiff error, or a JPEG without its end marker), zero-sized or unsupported file;
/// libtiff's own message is part of the text and nothing is printed to stderr. Thread-safe.
Image read_image(const std::filesystem::path& path);

/// Reads only the header: size, channels, depth, pages. Throws IoError like read_image.
ImageMeta read_image_meta(const std::filesystem::path& path);

// Compression of masks and float maps: Deflate without predictor, the one lossless codec that
// both ImageJ/Fiji and a tifffile without imagecodecs decode (tifffile needs imagecodecs for LZW
// and for the floating-point predictor; ImageJ reads neither that predictor nor 8-bit Deflate
// with it reliably). `pixel_size_um` > 0 is written as ImageJ writes it (resolution tags in
// pixels per µm, unit none, "unit=micron" description), so Fiji shows µm; 0 writes no calibration.

/// Writes a 0/255 mask as 8-bit gray TIFF, atomically (temp file + rename).
/// `mask` is CV_8UC1; any non-zero pixel is written as 255. Throws IoError.
void write_mask_tiff(const std::filesystem::path& path, const cv::Mat& mask, double pixel_size_um = 0.0);

/// Writes a CV_32FC1 map (e.g. probabilities) as float32 TIFF, lossless. Atomic. Throws IoError.
void write_float_tiff(const std::filesystem::path& path, const cv::Mat& image, double pixel_size_um = 0.0);

/// Writes a CV_16UC1 or CV_8UC1 gray image as TIFF (Deflate, horizontal predictor), atomic. Throws IoError.
void write_gray_tiff(const std::filesystem::path& path, const cv::Mat& image, double pixel_size_um = 0.0);

/// Writes an 8-bit image (gray or BGR) as PNG or JPEG by extension, atomic. Throws IoError.
void write_preview(const std::filesystem::path& path, const cv::Mat& image);

/// True for file names SegOid treats as images (.tif .tiff .png .jpg .jpeg .bmp, any case).
bool is_image_file(const std::filesystem::path& path);

}  // namespace segoid::io
